-- Release N keeps lower(name) here for search. Nullable so that writers that no longer maintain it
-- (release N+1) can insert rows while N is still serving.
alter table items add column search_name text;
