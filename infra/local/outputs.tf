# The inventory, in the shape every environment produces. Host key fingerprints are computed by
# Platform from each host's public host key file (hostKeyFile), which the host-up script made:
# they are read at provisioning time, never learnt from a first connection.
output "inventory" {
  value = {
    environment    = var.environment
    serviceUrl     = "http://${local.lb_address}:${var.frontend_port}"
    processManager = "detached"
    hosts = [
      for name in concat(["lb", "db"], [for i in range(var.app_nodes) : "web-${i + 1}"]) : {
        name        = name
        roles       = local.hosts[name].roles
        address     = local.hosts[name].address
        sshPort     = var.ssh_port
        sshUser     = var.ssh_user
        hostKeyFile = "${local.hosts_dir}/${name}/ssh_host_ed25519_key.pub"
        baseDir     = "${local.hosts_dir}/${name}/base"

        authorizedKeysFile    = "${local.hosts_dir}/${name}/authorized_keys"
        trustedUserCaKeysFile = "${local.hosts_dir}/${name}/trusted_user_ca_keys"
      }
    ]
    loadBalancer = {
      host       = "lb"
      runtimeApi = "${local.lb_address}:${var.runtime_api_port}"
      backend    = "catalog"
      slotPorts  = var.slot_ports
    }
    database = {
      host              = "db"
      address           = local.db_address
      port              = var.db_port
      adminUser         = "postgres"
      adminPasswordFile = "${local.state_dir}/db-superuser.password"
    }
  }

  depends_on = [terraform_data.host, terraform_data.haproxy_backends, terraform_data.postgres]
}
