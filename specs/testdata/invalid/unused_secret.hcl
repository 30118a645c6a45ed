# A token next to LOGIN is never read: a warning, not an error.
site "hq" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
  }

  auth {
    username = "scanner@contoso.com"
    password = env("SCANNER_PASSWORD")
    token    = env("SCANNER_TOKEN")
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}
