# Fabrikam's port-25 devices: Direct Send and relay connectors.
site "fabrikam-directsend" {
  method = "direct_send"
  endpoint { mx_domain = "fabrikam.com" }
  client { helo = "printer-1.fabrikam.local" }
  envelope {
    from = "printer@fabrikam.com"
    to   = ["office@fabrikam.com"]
  }
}

site "fabrikam-directsend-vendor-sender" {
  method = "direct_send"
  endpoint { host = "fabrikam-com.mail.protection.outlook.com" }
  tags     = ["fact:domain-added=2019-05-01"]
  envelope {
    from = "alerts@printvendor.example"
    to   = ["office@fabrikam.com"]
  }
}

site "fabrikam-directsend-partner" {
  method = "direct_send"
  endpoint { mx_domain = "fabrikam.com" }
  tags   = ["fact:partner-connector=yes"]
  envelope {
    from = "plotter@fabrikam.com"
    to   = ["cad@fabrikam.com"]
  }
}

site "fabrikam-helo-directsend" {
  method = "direct_send"
  endpoint { mx_domain = "fabrikam.com" }
  client { greeting = "HELO" }
  envelope {
    from = "fax@fabrikam.com"
    to   = ["office@fabrikam.com"]
  }
}

site "fabrikam-relay-ip" {
  method = "relay"
  endpoint { host = "fabrikam-com.mail.protection.outlook.com" }
  envelope {
    from = "erp@fabrikam.com"
    to   = ["orders@contoso.com"]
  }
}

site "fabrikam-relay-certificate" {
  method = "relay"
  endpoint {
    host = "fabrikam-com.mail.protection.outlook.com"
    tls  = "starttls"
  }
  tags = ["fact:trusts-digicert-g2=yes", "fact:domain-added=2020-01-15"]
  client {
    certificate = file("relay.fabrikam.com.pem")
    key         = env("FABRIKAM_RELAY_KEY")
  }
  envelope {
    from = "warehouse@fabrikam.com"
    to   = ["orders@contoso.com"]
  }
}

site "fabrikam-new-domain-host" {
  method = "direct_send"
  endpoint { host = "fabrikam-eu-com.mail.protection.outlook.com" }
  tags   = ["fact:domain-added=2026-09-14"]
  envelope {
    from = "printer@fabrikam-eu.com"
    to   = ["office@fabrikam-eu.com"]
  }
}

site "fabrikam-new-domain-mx" {
  method = "direct_send"
  endpoint { mx_domain = "fabrikam-eu.com" }
  tags   = ["fact:domain-added=2026-09-14"]
  envelope {
    from = "printer2@fabrikam-eu.com"
    to   = ["office@fabrikam-eu.com"]
  }
}

site "fabrikam-directsend-external" {
  method = "direct_send"
  endpoint { mx_domain = "fabrikam.com" }
  tags   = ["fact:trusts-digicert-g2=yes"]
  envelope {
    from = "scans@fabrikam.com"
    to   = ["office@fabrikam.com", "accountant@contoso.com"]
  }
}
