# client.greeting: a value that is neither EHLO nor HELO, and a HELO
# device whose spec expects stages it never reaches.
site "typo" {
  method = "direct_send"
  endpoint {
    host = "contoso-com.mail.protection.outlook.com"
  }
  client {
    greeting = "ESMTP"
  }
  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}

site "helo-mfp" {
  method = "submission"
  endpoint {
    host = "smtp.office365.com"
  }
  client {
    greeting = "HELO"
  }
  auth {
    username = "scanner@contoso.com"
    password = env("SCANNER_PASSWORD")
  }
  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
  expect "tls" {
    version_min = "1.2"
  }
  expect "auth" {
    code = 235
  }
}
