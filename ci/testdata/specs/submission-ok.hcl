# The 3rd-floor scanner sends scan-to-email by SMTP AUTH client submission:
# smtp.office365.com:587, STARTTLS (TLS 1.2+), AUTH LOGIN as the licensed
# mailbox scanner@contoso.com. This is the working baseline: every stage
# passes, and the probe stops after RCPT TO (no message is sent).
site "submission-ok" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
    port = 587
    tls  = "starttls"
  }

  client {
    helo    = "mfp-3f.contoso.local"
    tls_min = "1.2"
  }

  auth {
    mechanism = "LOGIN"
    username  = "scanner@contoso.com"
    password  = env("SMTPSPEC_DEMO_PASSWORD")
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }

  timeouts {
    connect = "5s"
    command = "10s"
    total   = "60s"
  }

  expect "ehlo" {
    capabilities = ["STARTTLS", "SIZE", "PIPELINING"]
  }

  expect "tls" {
    version_min   = "1.2"
    cert_days_min = 30
  }

  expect "ehlo_tls" {
    capabilities = ["AUTH"]
  }

  expect "auth" {
    code     = 235
    enhanced = "2.7.0"
  }

  expect "rcpt" {
    code     = 250
    enhanced = "2.1.5"
  }
}
