# Variables that are not set are errors, never "".
site "hq" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
  }

  auth {
    username = env("MISSING_USER")
    password = env("MISSING_PASSWORD")
  }

  envelope {
    from = env("EMPTY_SENDER")
    to   = ["frontdesk@contoso.com"]
  }
}
