# oauth: client credentials are complete, sent over TLS, and not mixed with a token.
site "oauth-missing" {
  method = "submission"
  endpoint {
    host = "smtp.office365.com"
  }
  auth {
    mechanism = "XOAUTH2"
    username  = "scanner@contoso.com"
    oauth {
      scope     = "https://outlook.office365.com/SMTP.SendAsApp"
      token_url = "http://login.example.net/token"
    }
  }
  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}

site "oauth-and-token" {
  method = "submission"
  endpoint {
    host = "smtp.office365.com"
  }
  auth {
    mechanism = "XOAUTH2"
    username  = "scanner@contoso.com"
    token     = env("SCANNER_TOKEN")
    oauth {
      tenant_id     = "contoso.onmicrosoft.com"
      client_id     = "0c9a5d1e-2b3f-4c6d-8e7f-9a0b1c2d3e4f"
      client_secret = env("SCANNER_PASSWORD")
    }
  }
  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}

site "oauth-with-login" {
  method = "submission"
  endpoint {
    host = "smtp.office365.com"
  }
  auth {
    mechanism = "LOGIN"
    username  = "scanner@contoso.com"
    password  = env("SCANNER_PASSWORD")
    oauth {
      client_secret = "written-into-the-spec"
    }
  }
  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}
