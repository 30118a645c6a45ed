# Contoso's old devices: a TLS 1.0 copier, a HELO-only scanner, a copier on
# the legacy-TLS endpoint.
site "contoso-copier-tls10" {
  method   = "submission"
  customer = "Contoso"
  endpoint { host = "smtp.office365.com" }
  client {
    tls_min         = "1.0"
    tls_max         = "1.0"
    auth_mechanisms = ["LOGIN"]
  }
  auth {
    username = "copier@contoso.com"
    password = env("CONTOSO_COPIER_PASSWORD")
  }
  envelope {
    from = "copier@contoso.com"
    to   = ["office@contoso.com"]
  }
}

site "contoso-scanner-helo" {
  method   = "submission"
  customer = "Contoso"
  endpoint { host = "smtp.office365.com" }
  client {
    greeting = "HELO"
  }
  auth {
    username = "annex-scanner@contoso.com"
    password = env("CONTOSO_ANNEX_SCANNER_PASSWORD")
  }
  envelope {
    from = "annex-scanner@contoso.com"
    to   = ["office@contoso.com"]
  }
}

site "contoso-copier-legacy-endpoint" {
  method   = "submission"
  customer = "Contoso"
  endpoint { host = "smtp-legacy.office365.com" }
  client {
    tls_min         = "1.0"
    tls_max         = "1.1"
    auth_mechanisms = ["LOGIN"]
  }
  auth {
    username = "copier2@contoso.com"
    password = env("CONTOSO_COPIER2_PASSWORD")
  }
  envelope {
    from = "copier2@contoso.com"
    to   = ["office@contoso.com"]
  }
}

site "contoso-no-ecdhe" {
  method   = "submission"
  customer = "Contoso"
  tags     = ["fact:ecdhe=no", "fact:trusts-digicert-g2=yes"]
  endpoint { host = "smtp.office365.com" }
  client {
    tls_max         = "1.2"
    auth_mechanisms = ["LOGIN", "XOAUTH2"]
  }
  auth {
    mechanism = "XOAUTH2"
    username  = "ricoh@contoso.com"
    token     = env("CONTOSO_RICOH_TOKEN")
  }
  envelope {
    from = "ricoh@contoso.com"
    to   = ["office@contoso.com"]
  }
}
