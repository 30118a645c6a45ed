# Golden settings gone wrong: an unknown detail, a rule without pattern,
# a pattern that does not compile, one that matches the empty string, a
# duplicate rule name, and a second defaults block.
defaults {
  golden {
    detail = "codez"
  }
}

defaults {
}

site "hq" {
  method = "direct_send"
  endpoint {
    host = "contoso-com.mail.protection.outlook.com"
  }
  envelope {
    from = "scanner@contoso.com"
    to   = ["frontdesk@contoso.com"]
  }
  golden {
    redact "ticket" {
      replace = "<TICKET>"
    }
    redact "broken" {
      pattern = "ticket-(\\d+"
    }
    redact "empty" {
      pattern = "x*"
    }
    redact "empty" {
      pattern = "y+"
    }
  }
}
