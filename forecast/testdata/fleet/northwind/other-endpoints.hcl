# Northwind: High Volume Email, Azure Communication Services, an on-premises
# relay, a device that does not trust DigiCert G2.
site "northwind-hve-old-name" {
  method = "submission"
  endpoint { host = "smtp-hve.office365.com" }
  client { auth_mechanisms = ["LOGIN"] }
  auth {
    username = "hve-scanner@northwind.com"
    password = env("NORTHWIND_HVE_PASSWORD")
  }
  envelope {
    from = "hve-scanner@northwind.com"
    to   = ["office@northwind.com"]
  }
}

site "northwind-hve" {
  method = "submission"
  endpoint { host = "smtp.hve.mx.microsoft" }
  client { auth_mechanisms = ["LOGIN"] }
  auth {
    username = "hve-copier@northwind.com"
    password = env("NORTHWIND_HVE2_PASSWORD")
  }
  envelope {
    from = "hve-copier@northwind.com"
    to   = ["office@northwind.com", "customer@gmail.example"]
  }
}

site "northwind-acs" {
  method = "submission"
  endpoint { host = "smtp.azurecomm.net" }
  auth {
    username = "northwind-acs-smtp"
    password = env("NORTHWIND_ACS_SECRET")
  }
  envelope {
    from = "donotreply@northwind.com"
    to   = ["customer@gmail.example"]
  }
}

site "northwind-onprem-relay" {
  method = "relay"
  endpoint { host = "relay.northwind.local" }
  envelope {
    from = "mfp@northwind.com"
    to   = ["office@northwind.com"]
  }
}

site "northwind-untrusting" {
  method = "submission"
  tags   = ["fact:trusts-digicert-g2=no"]
  endpoint { host = "smtp.office365.com" }
  client { auth_mechanisms = ["LOGIN"] }
  auth {
    username = "mfp2@northwind.com"
    password = env("NORTHWIND_MFP2_PASSWORD")
  }
  envelope {
    from = "mfp2@northwind.com"
    to   = ["office@northwind.com"]
  }
}
