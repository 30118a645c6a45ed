site "traced" {
  method = "submission"
  endpoint {
    host = "smtp.office365.com"
  }
  envelope {
    from         = "scanner@contoso.com"
    to           = ["frontdesk@contoso.com"]
    send_message = true
    message_size = "8XB"
  }
  trace {
    tenant_id     = "contoso.onmicrosoft.com"
    client_secret = "written-into-the-spec"
    wait          = "2h"
    graph_url     = "http://graph.example.com/v1.0"
  }
  expect "rcpt" {
    status = "Delivered"
  }
  expect "trace" {
    status = "Deliverd"
  }
}
