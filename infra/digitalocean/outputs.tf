# The inventory, in exactly the shape infra/local produces. Host key fingerprints come from the
# keys Terraform generated and cloud-init installed.
locals {
  droplets = merge(
    { lb = digitalocean_droplet.lb },
    { for name, d in digitalocean_droplet.app : name => d },
    var.managed_database ? {} : { db = digitalocean_droplet.db[0] },
  )
  roles = merge({ lb = ["lb"], db = ["db"] }, { for name in local.app_names : name => ["app"] })
}

output "inventory" {
  value = {
    environment    = var.environment
    serviceUrl     = "http://${digitalocean_droplet.lb.ipv4_address}"
    processManager = "systemd"
    hosts = [
      for name, d in local.droplets : {
        name                  = name
        roles                 = local.roles[name]
        address               = name == "lb" ? d.ipv4_address : d.ipv4_address_private
        sshPort               = 22
        sshUser               = var.ssh_user
        hostKeyFingerprint    = tls_private_key.host[name].public_key_fingerprint_sha256
        baseDir               = local.base_dir
        authorizedKeysFile    = "/root/.ssh/authorized_keys"
        trustedUserCaKeysFile = "/etc/ssh/trusted_user_ca_keys"
      }
    ]
    loadBalancer = {
      host       = "lb"
      runtimeApi = "127.0.0.1:9999"
      backend    = "catalog"
      slotPorts  = var.slot_ports
    }
    database = {
      host                = var.managed_database ? "lb" : "db"
      address             = var.managed_database ? digitalocean_database_cluster.db[0].private_host : digitalocean_droplet.db[0].ipv4_address_private
      port                = var.managed_database ? digitalocean_database_cluster.db[0].port : 5432
      adminUser           = var.managed_database ? digitalocean_database_cluster.db[0].user : "postgres"
      adminPasswordSecret = "db/admin-password"
    }
  }
}

# Apply moves these into the environment's secrets store (Vault); they are never printed.
output "secrets" {
  sensitive = true
  value = {
    "db/admin-password" = var.managed_database ? digitalocean_database_cluster.db[0].password : random_password.db_admin.result
  }
}
