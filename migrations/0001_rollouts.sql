CREATE TABLE "rollout_decisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"rollout_id" bigint NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"action" text NOT NULL,
	"from_stage" integer,
	"to_stage" integer,
	"fraction" double precision,
	"status" text NOT NULL,
	"reason" text NOT NULL,
	"gates" jsonb,
	"actor" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rollouts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"candidate" text NOT NULL,
	"baseline" text NOT NULL,
	"stages" jsonb NOT NULL,
	"stage_index" integer DEFAULT 0 NOT NULL,
	"status" text NOT NULL,
	"config" jsonb NOT NULL,
	"reason" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"stage_started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "rollouts_status_check" CHECK ("rollouts"."status" in ('active', 'paused', 'halted', 'completed', 'aborted', 'rolled_back'))
);
--> statement-breakpoint
ALTER TABLE "rollout_decisions" ADD CONSTRAINT "rollout_decisions_rollout_id_rollouts_id_fk" FOREIGN KEY ("rollout_id") REFERENCES "public"."rollouts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rollout_decisions_rollout_at_idx" ON "rollout_decisions" USING btree ("rollout_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "rollouts_one_open_idx" ON "rollouts" USING btree ((true)) WHERE "rollouts"."status" in ('active', 'paused', 'halted');--> statement-breakpoint
CREATE INDEX "rollouts_created_idx" ON "rollouts" USING btree ("created_at" DESC NULLS LAST);