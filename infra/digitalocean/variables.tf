variable "environment" {
  description = "The environment's name (infra/<name>), used in resource names and the inventory."
  type        = string
  default     = "digitalocean"
}

variable "region" {
  description = "DigitalOcean region of every resource."
  type        = string
  default     = "ams3"
}

variable "app_nodes" {
  description = "Number of app droplets (web-1..web-N)."
  type        = number
  default     = 3

  validation {
    condition     = var.app_nodes >= 1 && var.app_nodes <= 50 && floor(var.app_nodes) == var.app_nodes
    error_message = "app_nodes must be a whole number from 1 to 50."
  }
}

variable "droplet_size" {
  description = "Size slug of the app, lb and db droplets."
  type        = string
  default     = "s-1vcpu-2gb"
}

variable "image" {
  description = "Droplet image: cloud-init below targets Debian 12."
  type        = string
  default     = "debian-12-x64"
}

variable "vpc_cidr" {
  description = "Private network of the environment."
  type        = string
  default     = "10.42.0.0/24"
}

variable "operator_cidrs" {
  description = "Where SSH may come from (operators' and CI's public ranges). Never 0.0.0.0/0."
  type        = list(string)

  validation {
    condition     = length(var.operator_cidrs) > 0 && !contains(var.operator_cidrs, "0.0.0.0/0")
    error_message = "operator_cidrs must list the operators' ranges; 0.0.0.0/0 would open SSH to the world."
  }
}

variable "ssh_public_keys" {
  description = "The trusted circle's public keys (Platform passes them), installed on every droplet at creation."
  type        = list(string)
}

variable "ssh_user" {
  description = "The account Platform logs in as."
  type        = string
  default     = "root"
}

variable "managed_database" {
  description = "Use DigitalOcean Managed PostgreSQL instead of a db droplet."
  type        = bool
  default     = false
}

variable "slot_ports" {
  description = "The two ports an app node serves on (active release, next release)."
  type        = list(number)
  default     = [8081, 8082]
}

variable "state_dir" {
  description = "Unused by this environment (its state is remote); accepted so every environment takes the same variables."
  type        = string
  default     = ""
}

variable "deploy_key_file" {
  description = "Platform's deploy key (Platform passes it): Terraform logs in with it to update HAProxy's backends."
  type        = string
}
