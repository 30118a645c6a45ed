# Expectation values that can never match.
site "hq" {
  method = "submission"

  endpoint {
    host = "smtp.office365.com"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }

  expect "connect" {
    code = 220
  }

  expect "banner" {
    code  = 99
    error = "timeout"
  }

  expect "rcpt" {
    enhanced = "5.7"
    text     = "banned sending IP ([0-9.]+"
  }

  expect "tls" {
    cert_days_min = 0
  }
}
