terraform {
  required_version = ">= 1.5"

  # State stays on this machine under .platform/<env>/ (the path comes from platform.json at init).
  # infra/local-pg is this environment with its state in PostgreSQL instead.
  backend "local" {}
}
