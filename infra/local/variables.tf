variable "environment" {
  description = "The environment's name as Platform knows it (infra/<name>), written into the inventory."
  type        = string
  default     = "local"
}

variable "state_dir" {
  description = "Folder for this environment's runtime state (hosts, keys, Terraform state). Platform passes .platform/<env>."
  type        = string
}

variable "app_nodes" {
  description = "Number of app nodes (web-1..web-N)."
  type        = number
  default     = 3

  validation {
    condition     = var.app_nodes >= 1 && var.app_nodes <= 200 && floor(var.app_nodes) == var.app_nodes
    error_message = "app_nodes must be a whole number from 1 to 200."
  }
}

variable "address_prefix" {
  description = "First three octets of the loopback addresses, with the trailing dot: lb is .10, db is .5, app nodes .11 upwards."
  type        = string
  default     = "127.0.10."

  validation {
    condition     = can(regex("^127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.$", var.address_prefix))
    error_message = "address_prefix must be a loopback prefix such as \"127.0.10.\" (127.x.y. with the trailing dot): the local environment never leaves loopback."
  }
}

variable "ssh_port" {
  description = "Port every host's sshd listens on."
  type        = number
  default     = 2222
}

variable "ssh_user" {
  description = "The account sshd lets in. sshd runs as the user running Terraform, so it can only log in that user."
  type        = string
  default     = "root"
}

variable "ssh_public_keys" {
  description = "The initial keys of the root circle, written when a host is created (as a cloud provider does). SeedKeys manages the circle afterwards."
  type        = list(string)
  default     = []
}

variable "slot_ports" {
  description = "The two ports an app node serves on: the active release on one, the next release starts on the other."
  type        = list(number)
  default     = [8081, 8082]
}

variable "frontend_port" {
  description = "HAProxy's public port on the lb address."
  type        = number
  default     = 8080
}

variable "runtime_api_port" {
  description = "HAProxy's runtime API (admin level) port on the lb host's own address."
  type        = number
  default     = 9999
}

variable "db_port" {
  description = "PostgreSQL port on the db address."
  type        = number
  default     = 5432
}
