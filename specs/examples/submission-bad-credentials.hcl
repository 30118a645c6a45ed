# The HR scanner's stored password is out of date: AUTH gets 535 5.7.139
# "the user credentials were incorrect". Re-enter the full UPN and the
# password on the device.
site "submission-bad-credentials" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
    port = 587
  }

  client {
    helo = "mfp-hr.contoso.local"
  }

  auth {
    mechanism = "LOGIN"
    username  = "hr-scanner@contoso.com"
    password  = env("SMTPSPEC_DEMO_PASSWORD")
  }

  envelope {
    from = "hr-scanner@contoso.com"
    to   = ["hr@contoso.com"]
  }

  timeouts {
    connect = "5s"
    command = "10s"
    total   = "60s"
  }

  expect "auth" {
    code     = 535
    enhanced = "5.7.139"
    text     = "credentials were incorrect"
  }
}
