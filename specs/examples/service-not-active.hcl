# The branch-office scanner met a Microsoft 365 front end that was not
# serving: AUTH got 421 4.3.2 Service not active and the connection closed.
# Transient: retry later, and record the time if it persists.
site "service-not-active" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
    port = 587
  }

  client {
    helo = "mfp-branch.contoso.local"
  }

  auth {
    mechanism = "LOGIN"
    username  = "branch-scanner@contoso.com"
    password  = env("SMTPSPEC_DEMO_PASSWORD")
  }

  envelope {
    from = "branch-scanner@contoso.com"
    to   = ["branch@contoso.com"]
  }

  timeouts {
    connect = "5s"
    command = "10s"
    total   = "60s"
  }

  expect "auth" {
    code     = 421
    enhanced = "4.3.2"
  }
}
