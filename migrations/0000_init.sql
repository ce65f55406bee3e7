CREATE TABLE "pin_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant" text NOT NULL,
	"workload" text NOT NULL,
	"action" text NOT NULL,
	"version" text,
	"previous_version" text,
	"reason" text,
	"regression_id" bigint,
	"actor" text NOT NULL,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pin_events_action_check" CHECK ("pin_events"."action" in ('add', 'replace', 'remove'))
);
--> statement-breakpoint
CREATE TABLE "pins" (
	"tenant" text NOT NULL,
	"workload" text NOT NULL,
	"version" text NOT NULL,
	"reason" text NOT NULL,
	"regression_id" bigint,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"note" text,
	CONSTRAINT "pins_reason_check" CHECK ("pins"."reason" in ('manual', 'regression'))
);
--> statement-breakpoint
CREATE TABLE "regressions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"fingerprint" text NOT NULL,
	"failed_version" text NOT NULL,
	"good_version" text NOT NULL,
	"error_class" text DEFAULT '' NOT NULL,
	"error_message" text,
	"plan" "bytea",
	"plan_text" text,
	"sql_text" text,
	"workloads" text[] DEFAULT '{}'::text[] NOT NULL,
	"tenants" text[] DEFAULT '{}'::text[] NOT NULL,
	"occurrences" integer DEFAULT 1 NOT NULL,
	"first_seen" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"fixed_in_version" text,
	CONSTRAINT "regressions_kind_check" CHECK ("regressions"."kind" in ('error', 'performance', 'wrong-result')),
	CONSTRAINT "regressions_status_check" CHECK ("regressions"."status" in ('open', 'acknowledged', 'fixed', 'verified'))
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"operation_id" text NOT NULL,
	"tenant" text NOT NULL,
	"workload" text NOT NULL,
	"session_id" text NOT NULL,
	"fingerprint" text NOT NULL,
	"runtime_version" text NOT NULL,
	"attempt" integer NOT NULL,
	"outcome" text NOT NULL,
	"error_class" text,
	"sql_state" text,
	"message" text,
	"duration_ms" integer NOT NULL,
	"rows" bigint NOT NULL,
	"bytes" bigint NOT NULL,
	"retried_from_run_id" uuid,
	"started_at" timestamp with time zone NOT NULL,
	CONSTRAINT "runs_outcome_check" CHECK ("runs"."outcome" in ('success', 'error', 'interrupted'))
);
--> statement-breakpoint
CREATE TABLE "runtimes" (
	"version" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"endpoint" text,
	"spark_version" text NOT NULL,
	"manifest" jsonb NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone,
	CONSTRAINT "runtimes_kind_check" CHECK ("runtimes"."kind" in ('builtin', 'spark-connect'))
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"session_id" text PRIMARY KEY NOT NULL,
	"tenant" text NOT NULL,
	"workload" text NOT NULL,
	"runtime_version" text NOT NULL,
	"user_id" text,
	"client_type" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "workloads" (
	"tenant" text NOT NULL,
	"id" text NOT NULL,
	"last_good_version" text,
	"last_good_at" timestamp with time zone,
	"first_seen" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen" timestamp with time zone DEFAULT now() NOT NULL,
	"run_count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "workloads_tenant_id_pk" PRIMARY KEY("tenant","id")
);
--> statement-breakpoint
ALTER TABLE "pins" ADD CONSTRAINT "pins_regression_id_regressions_id_fk" FOREIGN KEY ("regression_id") REFERENCES "public"."regressions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pin_events_workload_at_idx" ON "pin_events" USING btree ("tenant","workload","at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "pins_tenant_workload_uq" ON "pins" USING btree ("tenant","workload");--> statement-breakpoint
CREATE INDEX "pins_version_idx" ON "pins" USING btree ("version");--> statement-breakpoint
CREATE UNIQUE INDEX "regressions_identity_uq" ON "regressions" USING btree ("fingerprint","failed_version","good_version","error_class","kind");--> statement-breakpoint
CREATE INDEX "regressions_status_last_seen_idx" ON "regressions" USING btree ("status","last_seen" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "runs_run_id_uq" ON "runs" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "runs_workload_started_idx" ON "runs" USING btree ("workload","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "runs_version_started_idx" ON "runs" USING btree ("runtime_version","started_at");--> statement-breakpoint
CREATE INDEX "runs_fingerprint_version_idx" ON "runs" USING btree ("fingerprint","runtime_version");--> statement-breakpoint
CREATE UNIQUE INDEX "runtimes_one_default_idx" ON "runtimes" USING btree ("is_default") WHERE "runtimes"."is_default";--> statement-breakpoint
CREATE INDEX "sessions_workload_started_idx" ON "sessions" USING btree ("tenant","workload","started_at" DESC NULLS LAST);