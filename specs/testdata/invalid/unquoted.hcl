# Strings must be quoted; a bare word reads as a variable.
site "hq" {
  method = submission

  endpoint {
    host = smtp.office365.com
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}
