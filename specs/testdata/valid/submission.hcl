# Client submission with every attribute written out.
site "hq-mfp-3f" {
  method = "submission"

  endpoint {
    host        = "smtp.office365.com"
    port        = 587
    tls         = "starttls"
    server_name = "smtp.office365.com"
  }

  client {
    helo            = "mfp-3f.contoso.local"
    tls_min         = "1.2"
    tls_max         = "1.3"
    auth_mechanisms = ["LOGIN", "XOAUTH2"]
  }

  auth {
    mechanism = "LOGIN"
    username  = "scanner@contoso.com"
    password  = env("SCANNER_PASSWORD")
  }

  envelope {
    from         = "scanner@contoso.com"
    to           = ["frontdesk@contoso.com", "it@contoso.com"]
    send_message = true
  }

  timeouts {
    connect = "5s"
    command = "10s"
    total   = "1m"
  }

  expect "ehlo_tls" {
    capabilities = ["auth", "SIZE"]
  }

  expect "tls" {
    version_min   = "1.2"
    cert_days_min = 30
  }

  expect "auth" {
    code     = 235
    enhanced = "2.7.0"
  }

  expect "data" {
    code = 250
    text = "Queued mail for delivery"
  }
}
