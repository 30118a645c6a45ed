# The warehouse MFP still signs in with a password (AUTH LOGIN). Once basic
# authentication for Client Submission is retired for the tenant, AUTH
# gets 550 5.7.30; the device has to move to OAuth (XOAUTH2), High Volume
# Email, Azure Communication Services or a relay connector.
site "submission-basic-auth-retired" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
    port = 587
  }

  client {
    helo            = "mfp-warehouse.contoso.local"
    auth_mechanisms = ["LOGIN", "PLAIN"]
  }

  auth {
    mechanism = "LOGIN"
    username  = "warehouse-scanner@contoso.com"
    password  = env("SMTPSPEC_DEMO_PASSWORD")
  }

  envelope {
    from = "warehouse-scanner@contoso.com"
    to   = ["logistics@contoso.com"]
  }

  timeouts {
    connect = "5s"
    command = "10s"
    total   = "60s"
  }

  expect "auth" {
    code     = 550
    enhanced = "5.7.30"
    text     = "Basic authentication is not supported"
  }
}
