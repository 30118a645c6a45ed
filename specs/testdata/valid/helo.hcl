# An old printer that greets with HELO (any case): it never sees STARTTLS
# or AUTH, and the spec documents the refusal that follows.
site "old-mfp" {
  method = "submission"
  endpoint {
    host = "smtp.office365.com"
  }
  client {
    helo     = "old-mfp.contoso.local"
    greeting = "helo"
  }
  auth {
    username = "scanner@contoso.com"
    password = env("SCANNER_PASSWORD")
  }
  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
  expect "mail" {
    code     = 451
    enhanced = "5.7.3"
  }
}
