# The front-desk MFP still sends a password (AUTH LOGIN). SMTP AUTH is on
# for its mailbox, but an authentication policy (or Security Defaults)
# blocks basic authentication: AUTH gets 535 5.7.139 "basic authentication
# is disabled". Move the device to OAuth, High Volume Email, Azure
# Communication Services or a relay connector.
site "submission-basic-auth-disabled" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
    port = 587
  }

  client {
    helo = "mfp-frontdesk.contoso.local"
  }

  auth {
    mechanism = "LOGIN"
    username  = "frontdesk-scanner@contoso.com"
    password  = env("SMTPSPEC_DEMO_PASSWORD")
  }

  envelope {
    from = "frontdesk-scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }

  timeouts {
    connect = "5s"
    command = "10s"
    total   = "60s"
  }

  expect "auth" {
    code     = 535
    enhanced = "5.7.139"
    text     = "basic authentication is disabled"
  }
}
