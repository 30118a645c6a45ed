# dns and reputation settings that cannot work, and resolve pins in the
# wrong place.
site "branch" {
  method = "direct_send"

  endpoint {
    host = "contoso-com.mail.protection.outlook.com"
  }

  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }

  dns {
    resolver = "resolver.lan"
  }

  reputation {
    public_ip        = "192.168.1.20"
    public_ip_lookup = ["MX myip.opendns.com @resolver1.opendns.com", "TXT o-o.myaddr.l.google.com ns1.google.com"]
    dnsbl            = ["zen"]
  }

  expect "resolve" {
    mx        = "*.mail.protection.outlook.com"
    addresses = ["52.101.0.0/33"]
  }

  expect "rcpt" {
    mx = "mx.contoso.com"
  }
}
