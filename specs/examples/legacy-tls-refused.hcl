# A 2014 copier whose firmware speaks TLS 1.0/1.1 only. smtp.office365.com
# completes the handshake, then answers the next command with 421 4.7.66
# "TLS 1.0 and 1.1 are not supported" and closes. Update the firmware, or
# use the opt-in smtp-legacy.office365.com endpoint, Direct Send or relay.
site "legacy-tls-refused" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
    port = 587
  }

  client {
    helo    = "copier-2f.contoso.local"
    tls_min = "1.0"
    tls_max = "1.1"
  }

  auth {
    mechanism = "LOGIN"
    username  = "copier@contoso.com"
    password  = env("SMTPSPEC_DEMO_PASSWORD")
  }

  envelope {
    from = "copier@contoso.com"
    to   = ["office@contoso.com"]
  }

  timeouts {
    connect = "5s"
    command = "10s"
    total   = "60s"
  }

  expect "ehlo_tls" {
    code     = 421
    enhanced = "4.7.66"
    text     = "TLS 1.0 and 1.1 are not supported"
  }
}
