# SSH only from the operators; HTTP only to the lb; the slots only from the lb; PostgreSQL only
# from the app droplets. Everything else is closed.
resource "digitalocean_firewall" "ssh" {
  name        = "${local.name}-ssh"
  droplet_ids = concat([for d in digitalocean_droplet.app : d.id], [digitalocean_droplet.lb.id], [for d in digitalocean_droplet.db : d.id])

  inbound_rule {
    protocol         = "tcp"
    port_range       = "22"
    source_addresses = var.operator_cidrs
  }

  outbound_rule {
    protocol              = "tcp"
    port_range            = "1-65535"
    destination_addresses = ["0.0.0.0/0", "::/0"]
  }

  outbound_rule {
    protocol              = "udp"
    port_range            = "53"
    destination_addresses = ["0.0.0.0/0", "::/0"]
  }
}

resource "digitalocean_firewall" "lb" {
  name        = "${local.name}-lb"
  droplet_ids = [digitalocean_droplet.lb.id]

  inbound_rule {
    protocol         = "tcp"
    port_range       = "80"
    source_addresses = ["0.0.0.0/0", "::/0"]
  }

  inbound_rule {
    protocol         = "tcp"
    port_range       = "443"
    source_addresses = ["0.0.0.0/0", "::/0"]
  }
}

resource "digitalocean_firewall" "app" {
  name        = "${local.name}-app"
  droplet_ids = [for d in digitalocean_droplet.app : d.id]

  inbound_rule {
    protocol           = "tcp"
    port_range         = "${var.slot_ports[0]}-${var.slot_ports[1]}"
    source_droplet_ids = [digitalocean_droplet.lb.id]
  }
}

resource "digitalocean_firewall" "db" {
  count       = var.managed_database ? 0 : 1
  name        = "${local.name}-db"
  droplet_ids = [digitalocean_droplet.db[0].id]

  inbound_rule {
    protocol           = "tcp"
    port_range         = "5432"
    source_droplet_ids = [for d in digitalocean_droplet.app : d.id]
  }
}

resource "digitalocean_database_firewall" "db" {
  count      = var.managed_database ? 1 : 0
  cluster_id = digitalocean_database_cluster.db[0].id

  dynamic "rule" {
    for_each = digitalocean_droplet.app
    content {
      type  = "droplet"
      value = rule.value.id
    }
  }
}
