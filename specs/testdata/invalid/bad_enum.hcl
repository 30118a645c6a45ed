# Values outside the list of valid ones, near misses and far ones.
site "hq" {
  method = "submision"

  endpoint {
    host = "smtp.office365.com"
    tls  = "STARTTLS"
  }

  client {
    tls_min         = "1.4"
    auth_mechanisms = ["LOGIN", "CRAM-MD5"]
  }

  auth {
    mechanism = "NTLM"
    username  = "scanner@contoso.com"
    password  = env("SCANNER_PASSWORD")
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }

  expect "connect" {
    error = "timed out"
  }
}
