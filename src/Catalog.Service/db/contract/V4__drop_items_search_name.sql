-- Contract step of the search_name change: run only once no release N instance is left
-- (release N+1 never reads or writes search_name).
alter table items drop column search_name;
