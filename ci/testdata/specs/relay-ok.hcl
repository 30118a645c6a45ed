# The billing MFP relays through an inbound connector that matches the
# site's static public IP, so external recipients are accepted.
site "relay-ok" {
  method = "relay"

  endpoint {
    host = "contoso-com.mail.protection.outlook.com"
    port = 25
    tls  = "starttls"
  }

  client {
    helo = "mfp-billing.contoso.local"
  }

  envelope {
    from = "billing@contoso.com"
    to   = ["accounts@fabrikam.com"]
  }

  timeouts {
    connect = "5s"
    command = "10s"
    total   = "60s"
  }

  expect "tls" {
    version_min = "1.2"
  }

  expect "rcpt" {
    code     = 250
    enhanced = "2.1.5"
  }
}

# Golden settings for every site of this file: pin only codes and
# capabilities (reply wording may change without drift), and scrub the
# device name from the EHLO line.
defaults {
  golden {
    detail = "codes"
    redact "device" {
      pattern = "mfp-[a-z]+[.]contoso[.]local"
      replace = "<DEVICE>"
    }
  }
}
