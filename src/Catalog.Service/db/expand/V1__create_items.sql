-- The catalog's items. Runs in Evolve's transaction; needs DDL rights (the MigrateDb step has them, the service does not).
create table items (
    id         bigserial     primary key,
    name       text          not null,
    price      numeric(12,2) not null check (price >= 0),
    created_at timestamptz   not null default now(),
    updated_at timestamptz   not null default now()
);
