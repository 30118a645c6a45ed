site "hq-mfp" {
  method   = "submission"
  customer = "  "
  tags     = ["branch", "has space", ""]
  endpoint { host = "smtp.office365.com" }
  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}

site "annex-mfp" {
  method   = "submission"
  customer = 42
  tags     = "fact:ecdhe=no"
  endpoint { host = "smtp.office365.com" }
  envelope {
    from = "annex@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}
