# The accounts-payable MFP authenticates as ap-scanner@contoso.com, but
# SMTP AUTH is disabled for the tenant (SmtpClientAuthenticationDisabled)
# and not enabled on the mailbox: AUTH gets 535 5.7.139. Fix with
# Set-CASMailbox -SmtpClientAuthenticationDisabled $false.
site "submission-auth-disabled" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
    port = 587
  }

  client {
    helo = "mfp-ap.contoso.local"
  }

  auth {
    mechanism = "LOGIN"
    username  = "ap-scanner@contoso.com"
    password  = env("SMTPSPEC_DEMO_PASSWORD")
  }

  envelope {
    from = "ap-scanner@contoso.com"
    to   = ["invoices@contoso.com"]
  }

  timeouts {
    connect = "5s"
    command = "10s"
    total   = "60s"
  }

  expect "auth" {
    code     = 535
    enhanced = "5.7.139"
    text     = "SmtpClientAuthentication is disabled"
  }
}
