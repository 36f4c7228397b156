# Production-shaped environment on DigitalOcean: app droplets, an lb droplet running HAProxy, a db
# droplet (or managed PostgreSQL), in a VPC behind firewalls. It produces the same inventory as
# infra/local, so every Platform target works unchanged.
locals {
  name      = "platform-${var.environment}"
  app_names = [for i in range(var.app_nodes) : "web-${i + 1}"]
  all_hosts = concat(["lb", "db"], local.app_names)
  base_dir  = "/srv/catalog"

  # Each droplet's cloud-init: its role and the host key Terraform made for it; the lb also gets
  # the backend list, the db its admin password. (The lb's is separate: it depends on the app
  # droplets' addresses, which depend on theirs.)
  cloud_init = {
    for name in setsubtract(local.all_hosts, ["lb"]) : name => templatefile("${path.module}/cloud-init.yaml.tftpl", {
      role             = contains(local.app_names, name) ? "app" : name
      host_key_private = tls_private_key.host[name].private_key_openssh
      host_key_public  = tls_private_key.host[name].public_key_openssh
      base_dir         = local.base_dir
      slot_ports       = var.slot_ports
      backend_servers  = []
      admin_password   = name == "db" ? random_password.db_admin.result : ""
    })
  }
  lb_cloud_init = templatefile("${path.module}/cloud-init.yaml.tftpl", {
    role             = "lb"
    host_key_private = tls_private_key.host["lb"].private_key_openssh
    host_key_public  = tls_private_key.host["lb"].public_key_openssh
    base_dir         = local.base_dir
    slot_ports       = var.slot_ports
    backend_servers  = [for app in local.app_names : { name = app, address = digitalocean_droplet.app[app].ipv4_address_private }]
    admin_password   = ""
  })
}

resource "digitalocean_vpc" "env" {
  name     = local.name
  region   = var.region
  ip_range = var.vpc_cidr
}

# The trusted circle, as DigitalOcean takes initial keys. SeedKeys manages root's authorized_keys after.
resource "digitalocean_ssh_key" "circle" {
  count      = length(var.ssh_public_keys)
  name       = "${local.name}-${count.index}"
  public_key = var.ssh_public_keys[count.index]
}

# Host keys are generated here and installed by cloud-init, so their fingerprints are known before
# the first connection (read back into the inventory, never trusted on first use).
resource "tls_private_key" "host" {
  for_each  = toset(local.all_hosts)
  algorithm = "ED25519"
}

resource "digitalocean_droplet" "app" {
  for_each  = toset(local.app_names)
  name      = "${local.name}-${each.key}"
  region    = var.region
  size      = var.droplet_size
  image     = var.image
  vpc_uuid  = digitalocean_vpc.env.id
  ssh_keys  = digitalocean_ssh_key.circle[*].fingerprint
  tags      = [local.name, "${local.name}-app"]
  user_data = local.cloud_init[each.key]

  # Changing the bootstrap must not replace a running node; SeedKeys and RollNode manage it after.
  lifecycle {
    ignore_changes = [user_data, ssh_keys]
  }
}

resource "digitalocean_droplet" "lb" {
  name      = "${local.name}-lb"
  region    = var.region
  size      = var.droplet_size
  image     = var.image
  vpc_uuid  = digitalocean_vpc.env.id
  ssh_keys  = digitalocean_ssh_key.circle[*].fingerprint
  tags      = [local.name, "${local.name}-lb"]
  user_data = local.lb_cloud_init

  lifecycle {
    ignore_changes = [user_data, ssh_keys]
  }
}

resource "digitalocean_droplet" "db" {
  count     = var.managed_database ? 0 : 1
  name      = "${local.name}-db"
  region    = var.region
  size      = var.droplet_size
  image     = var.image
  vpc_uuid  = digitalocean_vpc.env.id
  ssh_keys  = digitalocean_ssh_key.circle[*].fingerprint
  tags      = [local.name, "${local.name}-db"]
  user_data = local.cloud_init["db"]

  lifecycle {
    ignore_changes = [user_data, ssh_keys]
  }
}

resource "random_password" "db_admin" {
  length  = 32
  special = false
}

resource "digitalocean_database_cluster" "db" {
  count                = var.managed_database ? 1 : 0
  name                 = "${local.name}-db"
  engine               = "pg"
  version              = "15"
  size                 = "db-s-1vcpu-1gb"
  region               = var.region
  node_count           = 1
  private_network_uuid = digitalocean_vpc.env.id
}

# Adding app nodes updates HAProxy's backend list on the lb without replacing it: the script keeps
# every server's state (as infra/local's haproxy-up.sh does).
resource "terraform_data" "lb_backends" {
  triggers_replace = [for name in local.app_names : "${name}=${digitalocean_droplet.app[name].ipv4_address_private}"]

  connection {
    type        = "ssh"
    host        = digitalocean_droplet.lb.ipv4_address
    user        = var.ssh_user
    host_key    = tls_private_key.host["lb"].public_key_openssh
    agent       = false
    private_key = file(var.deploy_key_file)
  }

  provisioner "remote-exec" {
    inline = [
      "platform-haproxy-backends ${join(" ", [for name in local.app_names : "${name}=${digitalocean_droplet.app[name].ipv4_address_private}"])}",
    ]
  }
}
