# The legal department's scanner is refused at sign-in: the reply says the
# request "did not meet the criteria to be authenticated successfully",
# likely a Conditional Access policy that blocks legacy authentication.
# Check the Entra ID sign-in logs for the mailbox.
site "submission-signin-blocked" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
    port = 587
  }

  client {
    helo = "scanner-legal.contoso.local"
  }

  auth {
    mechanism = "LOGIN"
    username  = "legal-scanner@contoso.com"
    password  = env("SMTPSPEC_DEMO_PASSWORD")
  }

  envelope {
    from = "legal-scanner@contoso.com"
    to   = ["legal@contoso.com"]
  }

  timeouts {
    connect = "5s"
    command = "10s"
    total   = "60s"
  }

  expect "auth" {
    code     = 535
    enhanced = "5.7.139"
    text     = "did not meet the criteria"
  }
}
