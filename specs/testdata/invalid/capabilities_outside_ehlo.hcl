# capabilities only make sense on an EHLO reply.
site "hq" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }

  expect "banner" {
    capabilities = ["STARTTLS"]
  }

  expect "ehlo" {
    capabilities = ["STARTTLS", ""]
  }
}
