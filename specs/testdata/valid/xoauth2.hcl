# OAuth through XOAUTH2, with names built by the spec functions.
site "branch-7" {
  method = "submission"

  endpoint {
    host = lower("SMTP.Office365.com")
  }

  client {
    helo            = format("mfp-%d.%s", 7, "contoso.local")
    tls_max         = "1.2"
    auth_mechanisms = concat(["xoauth2"], ["login"])
    pipelining      = false # a printer that waits for every reply
  }

  auth {
    mechanism = "xoauth2"
    username  = env("SCANNER_USER")
    token     = env("SCANNER_TOKEN")
  }

  envelope {
    from = env("SCANNER_USER")
    to   = [join("@", ["frontdesk", "contoso.com"]), upper("it@contoso.com")]
  }

  timeouts {
    total = "90s"
  }

  expect "auth" {
    code     = 535
    enhanced = "5.7.139"
    text     = "(?i)basic authentication is disabled"
  }
}
