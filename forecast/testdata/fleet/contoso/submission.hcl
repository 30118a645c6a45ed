# Contoso's submission devices: one per authentication style.
site "contoso-hq-login" {
  method   = "submission"
  customer = "Contoso"
  endpoint { host = "smtp.office365.com" }
  client {
    helo            = "mfp-hq.contoso.local"
    auth_mechanisms = ["LOGIN"]
  }
  auth {
    mechanism = "LOGIN"
    username  = "scanner@contoso.com"
    password  = env("CONTOSO_HQ_PASSWORD")
  }
  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com", "orders@fabrikam.com"]
  }
}

site "contoso-hr-login-oauth-capable" {
  method   = "submission"
  customer = "Contoso"
  endpoint { host = "smtp.office365.com" }
  client {
    helo            = "mfp-hr.contoso.local"
    auth_mechanisms = ["LOGIN", "XOAUTH2"]
  }
  auth {
    mechanism = "LOGIN"
    username  = "hr-scanner@contoso.com"
    password  = env("CONTOSO_HR_PASSWORD")
  }
  envelope {
    from = "hr-scanner@contoso.com"
    to   = ["hr@contoso.com", "payroll@fabrikam.com"]
  }
}

site "contoso-lab-plain" {
  method   = "submission"
  customer = "Contoso"
  endpoint { host = "smtp.office365.com" }
  client {
    auth_mechanisms = ["PLAIN"]
  }
  auth {
    mechanism = "PLAIN"
    username  = "lab@contoso.com"
    password  = env("CONTOSO_LAB_PASSWORD")
  }
  envelope {
    from = "lab@contoso.com"
    to   = ["lab-results@contoso.com"]
  }
}

site "contoso-plain-accepted" {
  method   = "submission"
  customer = "Contoso"
  tags     = ["fact:plain-accepted=yes"]
  endpoint { host = "smtp.office365.com" }
  client {
    auth_mechanisms = ["PLAIN"]
  }
  auth {
    mechanism = "PLAIN"
    username  = "annex@contoso.com"
    password  = env("CONTOSO_ANNEX_PASSWORD")
  }
  envelope {
    from = "annex@contoso.com"
    to   = ["annex@contoso.com"]
  }
}

site "contoso-token-xoauth2" {
  method   = "submission"
  customer = "Contoso"
  endpoint { host = "smtp.office365.com" }
  client {
    auth_mechanisms = ["XOAUTH2"]
  }
  auth {
    mechanism = "XOAUTH2"
    username  = "sales-scanner@contoso.com"
    token     = env("CONTOSO_SALES_TOKEN")
  }
  envelope {
    from = "sales-scanner@contoso.com"
    to   = ["customer@gmail.example"]
  }
}

site "contoso-app-xoauth2" {
  method   = "submission"
  customer = "Contoso"
  endpoint { host = "smtp.office365.com" }
  client {
    auth_mechanisms = ["XOAUTH2"]
  }
  auth {
    mechanism = "XOAUTH2"
    username  = "warehouse-scanner@contoso.com"
    oauth {
      tenant_id     = "6f1b0a3e-1d2c-4b5a-9e8f-7a6b5c4d3e2f"
      client_id     = "0c9a5d1e-2b3f-4c6d-8e7f-9a0b1c2d3e4f"
      client_secret = env("CONTOSO_APP_SECRET")
    }
  }
  envelope {
    from = "warehouse-scanner@contoso.com"
    to   = ["warehouse@contoso.com"]
  }
}
