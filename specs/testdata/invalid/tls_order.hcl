# tls_min above tls_max, once written and once against the default.
site "written" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
  }

  client {
    tls_min = "1.3"
    tls_max = "1.2"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}

site "defaulted" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
  }

  client {
    tls_max = "1.1"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}
