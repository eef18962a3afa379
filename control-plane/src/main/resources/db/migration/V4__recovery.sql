-- The restore point a run was started from, and automatic recovery of pipelines whose run failed or disappeared while they should run: how many
-- attempts since they last ran steadily, when the next may start, and whether the run was
-- cancelled outside Floe (then it is not resurrected). Portable SQL: PostgreSQL and H2 alike.

alter table pipeline_status add column recovery_attempts integer default 0 not null;
alter table pipeline_status add column recovery_next_at timestamp with time zone;
alter table pipeline_status add column recovery_halted boolean default false not null;
alter table pipeline_status add column started_from varchar(2048);
