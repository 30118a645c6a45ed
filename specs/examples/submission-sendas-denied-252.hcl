# The reception MFP authenticates as scanner@contoso.com but sends with the
# receptionist's address as From. Exchange Online refuses the message at the
# end of DATA with the newer SendAsDenied text, which names both addresses
# and carries the store's diagnostic counters (different for every message;
# the golden keeps only <DIAG>). The expectation documents the refusal, so
# the site passes run after run while the service answers exactly that.
site "submission-sendas-denied-252" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
    port = 587
  }

  client {
    helo = "mfp-reception.contoso.local"
  }

  auth {
    mechanism = "LOGIN"
    username  = "scanner@contoso.com"
    password  = env("SMTPSPEC_DEMO_PASSWORD")
  }

  envelope {
    from         = "reception@contoso.com"
    to           = ["frontdesk@contoso.com"]
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
    enhanced = "5.2.252"
    text     = "SendAsDenied; .* not allowed to send as reception@contoso[.]com"
  }
}
