# Required attributes and blocks left out.
site "empty" {
}

site "half" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
  }

  auth {
  }

  envelope {
  }
}

site "xoauth2-without-token" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
  }

  auth {
    mechanism = "XOAUTH2"
    username  = "scanner@contoso.com"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = []
  }
}
