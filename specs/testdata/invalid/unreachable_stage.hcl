# Expectations for stages these probes never run.
site "no-auth" {
  method = "direct_send"

  endpoint {
    mx_domain = "contoso.com"
    tls       = "none"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }

  expect "auth" {
    code = 235
  }

  expect "data" {
    code = 250
  }

  expect "starttls" {
    code = 220
  }
}

site "implicit" {
  method = "relay"

  endpoint {
    host = "127.0.0.1"
    port = 2465
    tls  = "implicit"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }

  expect "ehlo_tls" {
    capabilities = ["SIZE"]
  }
}
