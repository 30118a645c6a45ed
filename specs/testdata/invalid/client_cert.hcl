# client certificate: a PEM chain by file(), its key by env(), and the two must fit.
site "key-without-certificate" {
  method = "relay"
  endpoint {
    host = "contoso-com.mail.protection.outlook.com"
  }
  client {
    key = env("SCANNER_PASSWORD")
  }
  envelope {
    from = "warehouse@contoso.com"
    to   = ["orders@fabrikam.com"]
  }
}

site "key-not-a-key" {
  method = "relay"
  endpoint {
    host = "contoso-com.mail.protection.outlook.com"
  }
  client {
    certificate = file("client_cert.pem")
    key         = env("SCANNER_PASSWORD")
  }
  envelope {
    from = "warehouse@contoso.com"
    to   = ["orders@fabrikam.com"]
  }
}

site "certificate-missing" {
  method = "relay"
  endpoint {
    host = "contoso-com.mail.protection.outlook.com"
  }
  client {
    certificate = file("no-such-cert.pem")
    key         = env("SCANNER_PASSWORD")
  }
  envelope {
    from = "warehouse@contoso.com"
    to   = ["orders@fabrikam.com"]
  }
}

site "key-literal" {
  method = "relay"
  endpoint {
    host = "contoso-com.mail.protection.outlook.com"
  }
  client {
    certificate = file("client_cert.pem")
    key         = "-----BEGIN PRIVATE KEY-----"
  }
  envelope {
    from = "warehouse@contoso.com"
    to   = ["orders@fabrikam.com"]
  }
}
