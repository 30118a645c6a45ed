# Three sites of one MSP repository, each reading its own variables:
# testdata for reads_test.go (what is read, and when it is required).
defaults {
  golden {
    redact "asset" {
      pattern = env("FLEET_ASSET_PATTERN")
    }
  }
}

site "hq-mfp" {
  method = "submission"
  endpoint {
    host = "smtp.office365.com"
  }
  auth {
    username = env("HQ_USER")
    password = env("HQ_PASSWORD")
  }
  envelope {
    from = env("HQ_USER")
    to   = ["frontdesk@contoso.com"]
  }
}

site "branch-oauth" {
  method = "submission"
  endpoint {
    host = "smtp.office365.com"
  }
  auth {
    mechanism = "XOAUTH2"
    username  = "scanner@contoso.com"
    oauth {
      tenant_id     = "contoso.onmicrosoft.com"
      client_id     = "00000000-0000-0000-0000-000000000001"
      client_secret = env("BRANCH_CLIENT_SECRET")
    }
  }
  envelope {
    from         = "scanner@contoso.com"
    to           = ["frontdesk@contoso.com"]
    send_message = true
  }
  trace {
    tenant_id     = "contoso.onmicrosoft.com"
    client_id     = "00000000-0000-0000-0000-000000000002"
    client_secret = env("BRANCH_TRACE_SECRET")
  }
}

site "warehouse" {
  method = env("WAREHOUSE_METHOD")
  endpoint {
    host    = env("WAREHOUSE_HOST")
    ca_file = "/nonexistent/smtpspec-test/warehouse-ca.pem"
  }
  client {
    certificate = file("/nonexistent/smtpspec-test/warehouse.pem")
    key         = env("WAREHOUSE_KEY")
  }
  envelope {
    from = "warehouse@contoso.com"
    to   = ["orders@fabrikam.com"]
  }
  control {
    auth {
      username = "control@contoso.com"
      password = env("WAREHOUSE_CONTROL_PASSWORD")
    }
  }
}
