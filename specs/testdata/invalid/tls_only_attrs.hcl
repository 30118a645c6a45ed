# version_min and cert_days_min belong to the tls stage.
site "hq" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
  }

  client {
    tls_max = "1.2"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }

  expect "ehlo_tls" {
    version_min   = "1.2"
    cert_days_min = 30
  }

  expect "tls" {
    version_min = "1.3"
  }
}
