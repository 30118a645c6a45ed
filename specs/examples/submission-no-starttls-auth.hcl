# An old plotter has "SSL/TLS: off" and tries to authenticate in plain
# text. smtp.office365.com offers AUTH only after STARTTLS and answers
# 504 5.7.4: turn on STARTTLS (TLS 1.2) on the device.
site "submission-no-starttls-auth" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
    port = 587
    tls  = "none"
  }

  client {
    helo = "plotter-eng.contoso.local"
  }

  auth {
    mechanism = "LOGIN"
    username  = "plotter@contoso.com"
    password  = env("SMTPSPEC_DEMO_PASSWORD")
  }

  envelope {
    from = "plotter@contoso.com"
    to   = ["engineering@contoso.com"]
  }

  timeouts {
    connect = "5s"
    command = "10s"
    total   = "60s"
  }

  expect "ehlo" {
    capabilities = ["STARTTLS"]
  }

  expect "auth" {
    code     = 504
    enhanced = "5.7.4"
  }
}
