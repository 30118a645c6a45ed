# The legal department's MFP authenticates as scanner@contoso.com but sends
# with the scanning user's address as From. The envelope is accepted; the
# message is refused at the end of DATA with 554 5.2.0 SendAsDenied. This
# site sends a real test message to show it.
site "submission-sendas-denied" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
    port = 587
  }

  client {
    helo = "mfp-legal.contoso.local"
  }

  auth {
    mechanism = "LOGIN"
    username  = "scanner@contoso.com"
    password  = env("SMTPSPEC_DEMO_PASSWORD")
  }

  envelope {
    from         = "paralegal@contoso.com"
    to           = ["legal@contoso.com"]
    send_message = true
  }

  timeouts {
    connect = "5s"
    command = "10s"
    total   = "60s"
  }

  expect "rcpt" {
    code = 250
  }

  expect "data" {
    code     = 554
    enhanced = "5.2.0"
    text     = "SendAsDenied"
  }
}
