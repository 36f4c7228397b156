terraform {
  required_version = ">= 1.5"

  required_providers {
    digitalocean = {
      source  = "digitalocean/digitalocean"
      version = "~> 2.40"
    }
    tls = {
      source  = "hashicorp/tls"
      version = "~> 4.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }

  # Remote state in a PostgreSQL the team trusts (Terraform's built-in pg backend, with locking).
  # The connection string comes from PG_CONN_STR, which Platform reads from the secrets store
  # (terraform/pg-conn-str), so it is never committed.
  backend "pg" {
    schema_name = "platform_digitalocean"
  }
}

# The API token comes from DIGITALOCEAN_TOKEN (Platform reads it from the secrets store).
provider "digitalocean" {}
