# ca_file must name a PEM file, relative to this file.
site "missing" {
  method = "relay"

  endpoint {
    host    = "127.0.0.1"
    ca_file = "no-such-ca.pem"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}

site "not-pem" {
  method = "relay"

  endpoint {
    host    = "127.0.0.1"
    ca_file = "bad_ca_file.hcl"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
}
