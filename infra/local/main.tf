# The embedded `local` environment: real hosts on loopback, built only from Terraform's
# built-in resources (no provider can be downloaded). Each host is its own sshd on its own
# 127.x address; `lb` also runs HAProxy and `db` also runs PostgreSQL 15.
locals {
  state_dir = abspath(var.state_dir)
  hosts_dir = "${local.state_dir}/hosts"
  # infra/local-pg links this folder, so both environments run these very scripts.
  scripts = abspath("${path.module}/scripts")

  lb_address = "${var.address_prefix}10"
  db_address = "${var.address_prefix}5"

  app_nodes = {
    for i in range(var.app_nodes) : "web-${i + 1}" => {
      address = "${var.address_prefix}${11 + i}"
      roles   = ["app"]
    }
  }

  hosts = merge(local.app_nodes, {
    lb = { address = local.lb_address, roles = ["lb"] }
    db = { address = local.db_address, roles = ["db"] }
  })

  # What haproxy-up.sh needs, whether it starts HAProxy or reloads it with a new backend list.
  haproxy_environment = {
    LB_DIR          = "${local.hosts_dir}/lb"
    LB_ADDRESS      = local.lb_address
    FRONTEND_PORT   = var.frontend_port
    RUNTIME_API     = "${local.lb_address}:${var.runtime_api_port}"
    BACKEND_SERVERS = join("\n", local.backend_servers)
  }

  # HAProxy backend lines: two slots per app node, both start in maintenance (`disabled`).
  backend_servers = flatten([
    for name, node in local.app_nodes : [
      for port in var.slot_ports : "${name}_${port} ${node.address}:${port}"
    ]
  ])
}

# One sshd per host. Its address, port and folder force a new host; the initial keys do not
# (as with a cloud provider, they only seed the root circle on creation; SeedKeys manages it after).
resource "terraform_data" "host" {
  for_each = local.hosts

  triggers_replace = {
    name     = each.key
    address  = each.value.address
    ssh_port = var.ssh_port
    dir      = "${local.hosts_dir}/${each.key}"
    scripts  = local.scripts
  }

  provisioner "local-exec" {
    command = "${self.triggers_replace.scripts}/host-up.sh"
    environment = {
      HOST_NAME       = self.triggers_replace.name
      HOST_ADDRESS    = self.triggers_replace.address
      SSH_PORT        = self.triggers_replace.ssh_port
      HOST_DIR        = self.triggers_replace.dir
      SSH_PUBLIC_KEYS = join("\n", var.ssh_public_keys)
    }
  }

  provisioner "local-exec" {
    when    = destroy
    command = "${self.triggers_replace.scripts}/host-down.sh"
    environment = {
      HOST_NAME = self.triggers_replace.name
      HOST_DIR  = self.triggers_replace.dir
    }
  }
}

# HAProxy's process on the lb host. Only the lb address or folder restart it.
resource "terraform_data" "haproxy" {
  triggers_replace = {
    address     = local.lb_address
    dir         = "${local.hosts_dir}/lb"
    scripts     = local.scripts
    runtime_api = "${local.lb_address}:${var.runtime_api_port}"
  }

  provisioner "local-exec" {
    command     = "${local.scripts}/haproxy-up.sh"
    environment = local.haproxy_environment
  }

  provisioner "local-exec" {
    when    = destroy
    command = "${self.triggers_replace.scripts}/haproxy-down.sh"
    environment = {
      LB_DIR = self.triggers_replace.dir
    }
  }

  depends_on = [terraform_data.host]
}

# HAProxy's backend list follows the app nodes: adding a node rewrites the configuration and
# reloads HAProxy with its servers' states kept (a running node stays in the pool).
resource "terraform_data" "haproxy_backends" {
  triggers_replace = {
    servers = local.backend_servers
  }

  provisioner "local-exec" {
    command     = "${local.scripts}/haproxy-up.sh"
    environment = local.haproxy_environment
  }

  depends_on = [terraform_data.haproxy]
}

# PostgreSQL 15 on the db host.
resource "terraform_data" "postgres" {
  triggers_replace = {
    address = local.db_address
    port    = var.db_port
    dir     = "${local.hosts_dir}/db"
    scripts = local.scripts
  }

  provisioner "local-exec" {
    command = "${self.triggers_replace.scripts}/postgres-up.sh"
    environment = {
      DB_DIR           = self.triggers_replace.dir
      DB_ADDRESS       = self.triggers_replace.address
      DB_PORT          = self.triggers_replace.port
      DB_PASSWORD_FILE = "${local.state_dir}/db-superuser.password"
    }
  }

  provisioner "local-exec" {
    when    = destroy
    command = "${self.triggers_replace.scripts}/postgres-down.sh"
    environment = {
      DB_DIR = self.triggers_replace.dir
    }
  }

  depends_on = [terraform_data.host]
}
