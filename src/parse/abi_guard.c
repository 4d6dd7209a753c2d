/* ABI guard: checks that the PostgreSQL 15 server headers the walker is
 * compiled against describe the node structs and enums that libpg_query.a
 * actually builds. The same canonical summary of every statement is made
 * twice:
 *
 *   raw   pg_query_raw_parse(), then the C structs are read through the
 *         headers (struct offsets, NodeTag values and enum values all come
 *         from the headers; enum values are named with tables below written
 *         from the headers);
 *   json  pg_query_parse(), whose JSON is produced inside the library by
 *         its own compiled-in node layouts and enum names, read with Jansson.
 *
 * Equal strings mean that, for what the walker reads, headers and library
 * agree. A shifted enum, a renumbered NodeTag or a moved struct member gives
 * a different name, tag, flag or a garbage string on the raw side.
 *
 * Summary format: one line per statement,
 *
 *   <walker statement name> @<stmt_location>+<stmt_len> <node summary>\n
 *
 * where the walker statement name is pb_lower__stmt_name() on the raw side
 * (stmt_tags.def; "Statement" for other tags) and the node summary is
 *
 *   -              a NULL node (a missing JSON field, a {} list element)
 *   "text"         a String node (JSON-escaped; invalid UTF-8 is U+FFFD)
 *   Integer(n)     an Integer; n is "le0" when not positive (libpg_query's
 *                  JSON drops non-positive Integer values)
 *   Float("1.5") Boolean(0|1) BitString("b101") A_Const(<value>|null)
 *   [a,b]          a List
 *   Tag(fields)    one of the nodes of NODE_TABLE below, fields in order
 *   Tag            any other node: the tag name only
 *
 * Field values: strings "..." or - for NULL, booleans 0/1 (?N on the raw
 * side for a byte that is neither, as a moved member gives), ints, chars as
 * "c" or - for '\0', enums by name (?N for a value the header does not
 * name). JSON leaves out false booleans, zero ints, NULL strings and
 * pointers, and empty lists: a missing field reads as that default. Nesting
 * deeper than MAX_DEPTH prints "...". If libpg_query's JSON cannot be
 * loaded, the JSON side returns "!json: <error>", which never equals a raw
 * summary. */
#include "postgres.h"

#include "nodes/parsenodes.h"
#include "nodes/pg_list.h"
#include "nodes/primnodes.h"
#include "pg_query.h"

/* libpg_query's port.h redirects printf-family calls to pg_* versions; this
 * file and jansson.h's format attributes want the C library's. */
#undef snprintf
#undef vsnprintf
#undef sprintf
#undef vsprintf
#undef printf
#undef vprintf
#undef fprintf
#undef vfprintf

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "parse/lower.h"
#include "parse/parse.h"

/* Exported by the static libpg_query.a but declared only in its internal
 * header; declared here as src/parse/parse.c declares them. */
typedef struct {
    List *tree;
    char *stderr_buffer;
    PgQueryError *error;
} PgQueryInternalParsetreeAndError;

extern PgQueryInternalParsetreeAndError pg_query_raw_parse(const char *input);
extern void pg_query_free_error(PgQueryError *error);
extern MemoryContext pg_query_enter_memory_context(void);
extern void pg_query_exit_memory_context(MemoryContext ctx);

#define MAX_DEPTH 40

/* ---- names of header enum values and node tags ---------------------------
 * Written from the PostgreSQL 15 headers (nodes/parsenodes.h,
 * nodes/primnodes.h, nodes/nodes.h). Each case label is the header's
 * constant, so the name returned for a value is the header's idea of that
 * value; libpg_query's JSON prints its own. The switches name every member:
 * -Wswitch (-Wall -Werror) fails the build if a header adds one. */

/* clang-format off */
#define E(x) \
    case x: return #x;

static const char *AlterTableType_name(int v)
{
    switch ((AlterTableType)v) {
    E(AT_AddColumn) E(AT_AddColumnRecurse) E(AT_AddColumnToView) E(AT_ColumnDefault)
    E(AT_CookedColumnDefault) E(AT_DropNotNull) E(AT_SetNotNull) E(AT_DropExpression)
    E(AT_CheckNotNull) E(AT_SetStatistics) E(AT_SetOptions) E(AT_ResetOptions) E(AT_SetStorage)
    E(AT_SetCompression) E(AT_DropColumn) E(AT_DropColumnRecurse) E(AT_AddIndex) E(AT_ReAddIndex)
    E(AT_AddConstraint) E(AT_AddConstraintRecurse) E(AT_ReAddConstraint) E(AT_ReAddDomainConstraint)
    E(AT_AlterConstraint) E(AT_ValidateConstraint) E(AT_ValidateConstraintRecurse)
    E(AT_AddIndexConstraint) E(AT_DropConstraint) E(AT_DropConstraintRecurse) E(AT_ReAddComment)
    E(AT_AlterColumnType) E(AT_AlterColumnGenericOptions) E(AT_ChangeOwner) E(AT_ClusterOn)
    E(AT_DropCluster) E(AT_SetLogged) E(AT_SetUnLogged) E(AT_DropOids) E(AT_SetAccessMethod)
    E(AT_SetTableSpace) E(AT_SetRelOptions) E(AT_ResetRelOptions) E(AT_ReplaceRelOptions)
    E(AT_EnableTrig) E(AT_EnableAlwaysTrig) E(AT_EnableReplicaTrig) E(AT_DisableTrig)
    E(AT_EnableTrigAll) E(AT_DisableTrigAll) E(AT_EnableTrigUser) E(AT_DisableTrigUser)
    E(AT_EnableRule) E(AT_EnableAlwaysRule) E(AT_EnableReplicaRule) E(AT_DisableRule)
    E(AT_AddInherit) E(AT_DropInherit) E(AT_AddOf) E(AT_DropOf) E(AT_ReplicaIdentity)
    E(AT_EnableRowSecurity) E(AT_DisableRowSecurity) E(AT_ForceRowSecurity) E(AT_NoForceRowSecurity)
    E(AT_GenericOptions) E(AT_AttachPartition) E(AT_DetachPartition) E(AT_DetachPartitionFinalize)
    E(AT_AddIdentity) E(AT_SetIdentity) E(AT_DropIdentity) E(AT_ReAddStatistics)
    }
    return NULL;
}

static const char *ConstrType_name(int v)
{
    switch ((ConstrType)v) {
    E(CONSTR_NULL) E(CONSTR_NOTNULL) E(CONSTR_DEFAULT) E(CONSTR_IDENTITY) E(CONSTR_GENERATED)
    E(CONSTR_CHECK) E(CONSTR_PRIMARY) E(CONSTR_UNIQUE) E(CONSTR_EXCLUSION) E(CONSTR_FOREIGN)
    E(CONSTR_ATTR_DEFERRABLE) E(CONSTR_ATTR_NOT_DEFERRABLE) E(CONSTR_ATTR_DEFERRED)
    E(CONSTR_ATTR_IMMEDIATE)
    }
    return NULL;
}

static const char *ObjectType_name(int v)
{
    switch ((ObjectType)v) {
    E(OBJECT_ACCESS_METHOD) E(OBJECT_AGGREGATE) E(OBJECT_AMOP) E(OBJECT_AMPROC) E(OBJECT_ATTRIBUTE)
    E(OBJECT_CAST) E(OBJECT_COLUMN) E(OBJECT_COLLATION) E(OBJECT_CONVERSION) E(OBJECT_DATABASE)
    E(OBJECT_DEFAULT) E(OBJECT_DEFACL) E(OBJECT_DOMAIN) E(OBJECT_DOMCONSTRAINT)
    E(OBJECT_EVENT_TRIGGER) E(OBJECT_EXTENSION) E(OBJECT_FDW) E(OBJECT_FOREIGN_SERVER)
    E(OBJECT_FOREIGN_TABLE) E(OBJECT_FUNCTION) E(OBJECT_INDEX) E(OBJECT_LANGUAGE)
    E(OBJECT_LARGEOBJECT) E(OBJECT_MATVIEW) E(OBJECT_OPCLASS) E(OBJECT_OPERATOR) E(OBJECT_OPFAMILY)
    E(OBJECT_PARAMETER_ACL) E(OBJECT_POLICY) E(OBJECT_PROCEDURE) E(OBJECT_PUBLICATION)
    E(OBJECT_PUBLICATION_NAMESPACE) E(OBJECT_PUBLICATION_REL) E(OBJECT_ROLE) E(OBJECT_ROUTINE)
    E(OBJECT_RULE) E(OBJECT_SCHEMA) E(OBJECT_SEQUENCE) E(OBJECT_SUBSCRIPTION)
    E(OBJECT_STATISTIC_EXT) E(OBJECT_TABCONSTRAINT) E(OBJECT_TABLE) E(OBJECT_TABLESPACE)
    E(OBJECT_TRANSFORM) E(OBJECT_TRIGGER) E(OBJECT_TSCONFIGURATION) E(OBJECT_TSDICTIONARY)
    E(OBJECT_TSPARSER) E(OBJECT_TSTEMPLATE) E(OBJECT_TYPE) E(OBJECT_USER_MAPPING) E(OBJECT_VIEW)
    }
    return NULL;
}

static const char *DropBehavior_name(int v)
{
    switch ((DropBehavior)v) {
    E(DROP_RESTRICT) E(DROP_CASCADE)
    }
    return NULL;
}

static const char *ReindexObjectType_name(int v)
{
    switch ((ReindexObjectType)v) {
    E(REINDEX_OBJECT_INDEX) E(REINDEX_OBJECT_TABLE) E(REINDEX_OBJECT_SCHEMA)
    E(REINDEX_OBJECT_SYSTEM) E(REINDEX_OBJECT_DATABASE)
    }
    return NULL;
}

static const char *TransactionStmtKind_name(int v)
{
    switch ((TransactionStmtKind)v) {
    E(TRANS_STMT_BEGIN) E(TRANS_STMT_START) E(TRANS_STMT_COMMIT) E(TRANS_STMT_ROLLBACK)
    E(TRANS_STMT_SAVEPOINT) E(TRANS_STMT_RELEASE) E(TRANS_STMT_ROLLBACK_TO) E(TRANS_STMT_PREPARE)
    E(TRANS_STMT_COMMIT_PREPARED) E(TRANS_STMT_ROLLBACK_PREPARED)
    }
    return NULL;
}

static const char *VariableSetKind_name(int v)
{
    switch ((VariableSetKind)v) {
    E(VAR_SET_VALUE) E(VAR_SET_DEFAULT) E(VAR_SET_CURRENT) E(VAR_SET_MULTI) E(VAR_RESET)
    E(VAR_RESET_ALL)
    }
    return NULL;
}

static const char *DiscardMode_name(int v)
{
    switch ((DiscardMode)v) {
    E(DISCARD_ALL) E(DISCARD_PLANS) E(DISCARD_SEQUENCES) E(DISCARD_TEMP)
    }
    return NULL;
}

static const char *AlterSubscriptionType_name(int v)
{
    switch ((AlterSubscriptionType)v) {
    E(ALTER_SUBSCRIPTION_OPTIONS) E(ALTER_SUBSCRIPTION_CONNECTION)
    E(ALTER_SUBSCRIPTION_SET_PUBLICATION) E(ALTER_SUBSCRIPTION_ADD_PUBLICATION)
    E(ALTER_SUBSCRIPTION_DROP_PUBLICATION) E(ALTER_SUBSCRIPTION_REFRESH)
    E(ALTER_SUBSCRIPTION_ENABLED) E(ALTER_SUBSCRIPTION_SKIP)
    }
    return NULL;
}

static const char *BoolExprType_name(int v)
{
    switch ((BoolExprType)v) {
    E(AND_EXPR) E(OR_EXPR) E(NOT_EXPR)
    }
    return NULL;
}

static const char *NullTestType_name(int v)
{
    switch ((NullTestType)v) {
    E(IS_NULL) E(IS_NOT_NULL)
    }
    return NULL;
}

#undef E

/* Every NodeTag of nodes/nodes.h (PostgreSQL 15), named as libpg_query's
 * JSON names nodes (the struct name = the tag without "T_"). */
static const char *tag_name(NodeTag t)
{
#define N(x) \
    case T_##x: return #x;
    switch (t) {
    N(Invalid) N(IndexInfo) N(ExprContext) N(ProjectionInfo) N(JunkFilter) N(OnConflictSetState)
    N(MergeActionState) N(ResultRelInfo) N(EState) N(TupleTableSlot) N(Plan) N(Result) N(ProjectSet)
    N(ModifyTable) N(Append) N(MergeAppend) N(RecursiveUnion) N(BitmapAnd) N(BitmapOr) N(Scan)
    N(SeqScan) N(SampleScan) N(IndexScan) N(IndexOnlyScan) N(BitmapIndexScan) N(BitmapHeapScan)
    N(TidScan) N(TidRangeScan) N(SubqueryScan) N(FunctionScan) N(ValuesScan) N(TableFuncScan)
    N(CteScan) N(NamedTuplestoreScan) N(WorkTableScan) N(ForeignScan) N(CustomScan) N(Join)
    N(NestLoop) N(MergeJoin) N(HashJoin) N(Material) N(Memoize) N(Sort) N(IncrementalSort) N(Group)
    N(Agg) N(WindowAgg) N(Unique) N(Gather) N(GatherMerge) N(Hash) N(SetOp) N(LockRows) N(Limit)
    N(NestLoopParam) N(PlanRowMark) N(PartitionPruneInfo) N(PartitionedRelPruneInfo)
    N(PartitionPruneStepOp) N(PartitionPruneStepCombine) N(PlanInvalItem) N(PlanState)
    N(ResultState) N(ProjectSetState) N(ModifyTableState) N(AppendState) N(MergeAppendState)
    N(RecursiveUnionState) N(BitmapAndState) N(BitmapOrState) N(ScanState) N(SeqScanState)
    N(SampleScanState) N(IndexScanState) N(IndexOnlyScanState) N(BitmapIndexScanState)
    N(BitmapHeapScanState) N(TidScanState) N(TidRangeScanState) N(SubqueryScanState)
    N(FunctionScanState) N(TableFuncScanState) N(ValuesScanState) N(CteScanState)
    N(NamedTuplestoreScanState) N(WorkTableScanState) N(ForeignScanState) N(CustomScanState)
    N(JoinState) N(NestLoopState) N(MergeJoinState) N(HashJoinState) N(MaterialState)
    N(MemoizeState) N(SortState) N(IncrementalSortState) N(GroupState) N(AggState) N(WindowAggState)
    N(UniqueState) N(GatherState) N(GatherMergeState) N(HashState) N(SetOpState) N(LockRowsState)
    N(LimitState) N(Alias) N(RangeVar) N(TableFunc) N(Var) N(Const) N(Param) N(Aggref)
    N(GroupingFunc) N(WindowFunc) N(SubscriptingRef) N(FuncExpr) N(NamedArgExpr) N(OpExpr)
    N(DistinctExpr) N(NullIfExpr) N(ScalarArrayOpExpr) N(BoolExpr) N(SubLink) N(SubPlan)
    N(AlternativeSubPlan) N(FieldSelect) N(FieldStore) N(RelabelType) N(CoerceViaIO)
    N(ArrayCoerceExpr) N(ConvertRowtypeExpr) N(CollateExpr) N(CaseExpr) N(CaseWhen) N(CaseTestExpr)
    N(ArrayExpr) N(RowExpr) N(RowCompareExpr) N(CoalesceExpr) N(MinMaxExpr) N(SQLValueFunction)
    N(XmlExpr) N(NullTest) N(BooleanTest) N(CoerceToDomain) N(CoerceToDomainValue) N(SetToDefault)
    N(CurrentOfExpr) N(NextValueExpr) N(InferenceElem) N(TargetEntry) N(RangeTblRef) N(JoinExpr)
    N(FromExpr) N(OnConflictExpr) N(IntoClause) N(ExprState) N(WindowFuncExprState)
    N(SetExprState) N(SubPlanState) N(DomainConstraintState) N(PlannerInfo) N(PlannerGlobal)
    N(RelOptInfo) N(IndexOptInfo) N(ForeignKeyOptInfo) N(ParamPathInfo) N(Path) N(IndexPath)
    N(BitmapHeapPath) N(BitmapAndPath) N(BitmapOrPath) N(TidPath) N(TidRangePath) N(SubqueryScanPath)
    N(ForeignPath) N(CustomPath) N(NestPath) N(MergePath) N(HashPath) N(AppendPath) N(MergeAppendPath)
    N(GroupResultPath) N(MaterialPath) N(MemoizePath) N(UniquePath) N(GatherPath) N(GatherMergePath)
    N(ProjectionPath) N(ProjectSetPath) N(SortPath) N(IncrementalSortPath) N(GroupPath)
    N(UpperUniquePath) N(AggPath) N(GroupingSetsPath) N(MinMaxAggPath) N(WindowAggPath)
    N(SetOpPath) N(RecursiveUnionPath) N(LockRowsPath) N(ModifyTablePath) N(LimitPath)
    N(EquivalenceClass) N(EquivalenceMember) N(PathKey) N(PathKeyInfo) N(PathTarget)
    N(RestrictInfo) N(IndexClause) N(PlaceHolderVar) N(SpecialJoinInfo) N(AppendRelInfo)
    N(RowIdentityVarInfo) N(PlaceHolderInfo) N(MinMaxAggInfo) N(PlannerParamItem) N(RollupData)
    N(GroupingSetData) N(StatisticExtInfo) N(MergeAction) N(AllocSetContext) N(SlabContext)
    N(GenerationContext) N(Integer) N(Float) N(Boolean) N(String) N(BitString) N(List) N(IntList)
    N(OidList) N(ExtensibleNode) N(RawStmt) N(Query) N(PlannedStmt) N(InsertStmt) N(DeleteStmt)
    N(UpdateStmt) N(MergeStmt) N(SelectStmt) N(ReturnStmt) N(PLAssignStmt) N(AlterTableStmt)
    N(AlterTableCmd) N(AlterDomainStmt) N(SetOperationStmt) N(GrantStmt) N(GrantRoleStmt)
    N(AlterDefaultPrivilegesStmt) N(ClosePortalStmt) N(ClusterStmt) N(CopyStmt) N(CreateStmt)
    N(DefineStmt) N(DropStmt) N(TruncateStmt) N(CommentStmt) N(FetchStmt) N(IndexStmt)
    N(CreateFunctionStmt) N(AlterFunctionStmt) N(DoStmt) N(RenameStmt) N(RuleStmt) N(NotifyStmt)
    N(ListenStmt) N(UnlistenStmt) N(TransactionStmt) N(ViewStmt) N(LoadStmt) N(CreateDomainStmt)
    N(CreatedbStmt) N(DropdbStmt) N(VacuumStmt) N(ExplainStmt) N(CreateTableAsStmt) N(CreateSeqStmt)
    N(AlterSeqStmt) N(VariableSetStmt) N(VariableShowStmt) N(DiscardStmt) N(CreateTrigStmt)
    N(CreatePLangStmt) N(CreateRoleStmt) N(AlterRoleStmt) N(DropRoleStmt) N(LockStmt)
    N(ConstraintsSetStmt) N(ReindexStmt) N(CheckPointStmt) N(CreateSchemaStmt) N(AlterDatabaseStmt)
    N(AlterDatabaseRefreshCollStmt) N(AlterDatabaseSetStmt) N(AlterRoleSetStmt)
    N(CreateConversionStmt) N(CreateCastStmt) N(CreateOpClassStmt) N(CreateOpFamilyStmt)
    N(AlterOpFamilyStmt) N(PrepareStmt) N(ExecuteStmt) N(DeallocateStmt) N(DeclareCursorStmt)
    N(CreateTableSpaceStmt) N(DropTableSpaceStmt) N(AlterObjectDependsStmt) N(AlterObjectSchemaStmt)
    N(AlterOwnerStmt) N(AlterOperatorStmt) N(AlterTypeStmt) N(DropOwnedStmt) N(ReassignOwnedStmt)
    N(CompositeTypeStmt) N(CreateEnumStmt) N(CreateRangeStmt) N(AlterEnumStmt)
    N(AlterTSDictionaryStmt) N(AlterTSConfigurationStmt) N(CreateFdwStmt) N(AlterFdwStmt)
    N(CreateForeignServerStmt) N(AlterForeignServerStmt) N(CreateUserMappingStmt)
    N(AlterUserMappingStmt) N(DropUserMappingStmt) N(AlterTableSpaceOptionsStmt)
    N(AlterTableMoveAllStmt) N(SecLabelStmt) N(CreateForeignTableStmt) N(ImportForeignSchemaStmt)
    N(CreateExtensionStmt) N(AlterExtensionStmt) N(AlterExtensionContentsStmt)
    N(CreateEventTrigStmt) N(AlterEventTrigStmt) N(RefreshMatViewStmt) N(ReplicaIdentityStmt)
    N(AlterSystemStmt) N(CreatePolicyStmt) N(AlterPolicyStmt) N(CreateTransformStmt) N(CreateAmStmt)
    N(CreatePublicationStmt) N(AlterPublicationStmt) N(CreateSubscriptionStmt)
    N(AlterSubscriptionStmt) N(DropSubscriptionStmt) N(CreateStatsStmt) N(AlterCollationStmt)
    N(CallStmt) N(AlterStatsStmt) N(A_Expr) N(ColumnRef) N(ParamRef) N(A_Const) N(FuncCall) N(A_Star)
    N(A_Indices) N(A_Indirection) N(A_ArrayExpr) N(ResTarget) N(MultiAssignRef) N(TypeCast)
    N(CollateClause) N(SortBy) N(WindowDef) N(RangeSubselect) N(RangeFunction) N(RangeTableSample)
    N(RangeTableFunc) N(RangeTableFuncCol) N(TypeName) N(ColumnDef) N(IndexElem) N(StatsElem)
    N(Constraint) N(DefElem) N(RangeTblEntry) N(RangeTblFunction) N(TableSampleClause)
    N(WithCheckOption) N(SortGroupClause) N(GroupingSet) N(WindowClause) N(ObjectWithArgs)
    N(AccessPriv) N(CreateOpClassItem) N(TableLikeClause) N(FunctionParameter) N(LockingClause)
    N(RowMarkClause) N(XmlSerialize) N(WithClause) N(InferClause) N(OnConflictClause) N(CTESearchClause)
    N(CTECycleClause) N(CommonTableExpr) N(MergeWhenClause) N(RoleSpec) N(TriggerTransition)
    N(PartitionElem) N(PartitionSpec) N(PartitionBoundSpec) N(PartitionRangeDatum) N(PartitionCmd)
    N(VacuumRelation) N(PublicationObjSpec) N(PublicationTable) N(IdentifySystemCmd)
    N(BaseBackupCmd) N(CreateReplicationSlotCmd) N(DropReplicationSlotCmd) N(StartReplicationCmd)
    N(ReadReplicationSlotCmd) N(TimeLineHistoryCmd) N(TriggerData) N(EventTriggerData)
    N(ReturnSetInfo) N(WindowObjectData) N(TIDBitmap) N(InlineCodeBlock) N(FdwRoutine)
    N(IndexAmRoutine) N(TableAmRoutine) N(TsmRoutine) N(ForeignKeyCacheInfo) N(CallContext)
    N(SupportRequestSimplify) N(SupportRequestSelectivity) N(SupportRequestCost)
    N(SupportRequestRows) N(SupportRequestIndexCondition) N(SupportRequestWFuncMonotonic)
    }
#undef N
    return NULL;
}

/* ---- the summarized nodes ----------------------------------------------------
 * NODE_TABLE(X) lists, per node, the fields printed inside "Tag(...)", in
 * order. Field macros take the label printed before the value and the C
 * member name, which is also the JSON key (libpg_query 15-4.0.0 writes
 * members under their C names, e.g. typeName, skip_validation):
 *   S string  B bool  I int  C char  E enum (with its name table)
 *   N Node * (a {"Tag":{...}} object in JSON)  L List * (a JSON array)
 *   Y a member typed as a specific node struct (unwrapped object in JSON)
 * The table is expanded twice, once reading C structs and once reading JSON,
 * so both sides print the same fields with the same labels. It covers what
 * lower.c reads. */
#define NODE_TABLE(X)                                                                                       \
    X(RangeVar, S("", schemaname) S(".", relname) B(" inh=", inh) C(" p=", relpersistence)                  \
                    I(" @", location))                                                                      \
    X(TypeName, L("", names) L(" mods=", typmods) L(" arr=", arrayBounds) I(" typemod=", typemod)           \
                    I(" @", location))                                                                      \
    X(ColumnRef, L("", fields))                                                                             \
    X(FuncCall, L("", funcname) L(" args=", args) N(" filter=", agg_filter))                                \
    X(TypeCast, N("", arg) Y(" as ", typeName, TypeName))                                                   \
    X(A_Expr, L("", name) N(" l=", lexpr) N(" r=", rexpr))                                                  \
    X(BoolExpr, E("", boolop, BoolExprType) L(" ", args))                                                   \
    X(NullTest, E("", nulltesttype, NullTestType) N(" ", arg))                                              \
    X(CollateClause, N("", arg) L(" ", collname))                                                           \
    X(NamedArgExpr, S("", name) N(" ", arg))                                                                \
    X(CoalesceExpr, L("", args))                                                                            \
    X(MinMaxExpr, L("", args))                                                                              \
    X(A_ArrayExpr, L("", elements))                                                                         \
    X(RowExpr, L("", args))                                                                                 \
    X(CaseExpr, N("", arg) L(" ", args) N(" else ", defresult))                                             \
    X(CaseWhen, N("", expr) N(" then ", result))                                                            \
    X(ResTarget, S("", name) N(" ", val))                                                                   \
    X(DefElem, S("", defname) N("=", arg))                                                                  \
    X(IndexElem, S("", name) N(" ", expr))                                                                  \
    X(VacuumRelation, Y("", relation, RangeVar))                                                            \
    X(ObjectWithArgs, L("", objname) L(" args=", objargs))                                                  \
    X(PartitionCmd, Y("", name, RangeVar) B(" conc=", concurrent))                                          \
    X(PartitionBoundSpec, C("", strategy) B(" default=", is_default))                                       \
    X(IntoClause, Y("", rel, RangeVar) B(" skip=", skipData))                                               \
    X(ReplicaIdentityStmt, C("", identity_type) S(" ", name))                                               \
    X(ColumnDef, S("", colname) Y(" ", typeName, TypeName) B(" notnull=", is_not_null)                      \
                     N(" default=", raw_default) Y(" coll=", collClause, CollateClause)                     \
                         L(" cons=", constraints) I(" @", location))                                        \
    X(Constraint, E("", contype, ConstrType) S(" name=", conname) B(" nv=", skip_validation)                \
                      B(" iv=", initially_valid) S(" idx=", indexname) Y(" pk=", pktable, RangeVar)         \
                          L(" keys=", keys) L(" fk=", fk_attrs) L(" pkcols=", pk_attrs)                     \
                              L(" excl=", exclusions) N(" expr=", raw_expr) I(" @", location))              \
    X(AlterTableCmd, E("", subtype, AlterTableType) S(" name=", name) B(" mok=", missing_ok)                \
                         E(" ", behavior, DropBehavior) N(" def=", def))                                    \
    X(AlterTableStmt, Y("", relation, RangeVar) E(" ", objtype, ObjectType) B(" mok=", missing_ok)          \
                          L(" cmds=", cmds))                                                                \
    X(IndexStmt, S("", idxname) Y(" on ", relation, RangeVar) S(" am=", accessMethod)                       \
                     B(" unique=", unique) B(" primary=", primary) B(" conc=", concurrent)                  \
                         B(" ine=", if_not_exists) L(" params=", indexParams)                               \
                             N(" where=", whereClause))                                                     \
    X(CreateStmt, Y("", relation, RangeVar) B(" ine=", if_not_exists) L(" inh=", inhRelations)              \
                      Y(" bound=", partbound, PartitionBoundSpec) Y(" part=", partspec, PartitionSpec)      \
                          L(" elts=", tableElts))                                                           \
    X(PartitionSpec, S("", strategy) L(" ", partParams))                                                    \
    X(PartitionElem, S("", name) N(" ", expr))                                                              \
    X(DropStmt, E("", removeType, ObjectType) E(" ", behavior, DropBehavior) B(" mok=", missing_ok)         \
                    B(" conc=", concurrent) L(" objs=", objects))                                           \
    X(RenameStmt, E("", renameType, ObjectType) E(" ", relationType, ObjectType)                            \
                      Y(" rel=", relation, RangeVar) N(" obj=", object) S(" sub=", subname)                 \
                          S(" new=", newname) B(" mok=", missing_ok))                                       \
    X(TruncateStmt, L("", relations) B(" restart=", restart_seqs) E(" ", behavior, DropBehavior))           \
    X(LockStmt, L("", relations) I(" mode=", mode) B(" nowait=", nowait))                                   \
    X(VacuumStmt, B("vac=", is_vacuumcmd) L(" opts=", options) L(" rels=", rels))                           \
    X(ClusterStmt, Y("", relation, RangeVar) S(" idx=", indexname) L(" params=", params))                   \
    X(RefreshMatViewStmt, Y("", relation, RangeVar) B(" conc=", concurrent) B(" skip=", skipData))          \
    X(InsertStmt, Y("", relation, RangeVar))                                                                \
    X(UpdateStmt, Y("", relation, RangeVar) N(" where=", whereClause))                                      \
    X(DeleteStmt, Y("", relation, RangeVar) N(" where=", whereClause))                                      \
    X(ReindexStmt, E("", kind, ReindexObjectType) Y(" ", relation, RangeVar) S(" name=", name)              \
                       L(" params=", params))                                                               \
    X(TransactionStmt, E("", kind, TransactionStmtKind) B(" chain=", chain)                                 \
                           S(" sp=", savepoint_name) S(" gid=", gid))                                       \
    X(VariableSetStmt, E("", kind, VariableSetKind) S(" ", name) B(" local=", is_local)                     \
                           L(" args=", args))                                                               \
    X(CreateTableAsStmt, E("", objtype, ObjectType) B(" ine=", if_not_exists)                               \
                             Y(" ", into, IntoClause) N(" q=", query))                                      \
    X(CreateTrigStmt, S("", trigname) Y(" on ", relation, RangeVar) B(" replace=", replace)                 \
                          B(" row=", row) I(" timing=", timing) I(" events=", events))                      \
    X(ViewStmt, Y("", view, RangeVar) B(" replace=", replace) N(" q=", query))                              \
    X(AlterEnumStmt, L("", typeName) S(" old=", oldVal) S(" new=", newVal)                                  \
                         S(" nb=", newValNeighbor) B(" after=", newValIsAfter)                              \
                             B(" sine=", skipIfNewValExists))                                               \
    X(CreateEnumStmt, L("", typeName) L(" vals=", vals))                                                    \
    X(AlterSeqStmt, Y("", sequence, RangeVar) B(" mok=", missing_ok) B(" ident=", for_identity)             \
                        L(" opts=", options))                                                               \
    X(CreateSeqStmt, Y("", sequence, RangeVar) B(" ine=", if_not_exists) B(" ident=", for_identity)         \
                         L(" opts=", options))                                                              \
    X(CommentStmt, E("", objtype, ObjectType) N(" ", object) S(" is ", comment))                            \
    X(CreateSchemaStmt, S("", schemaname) B(" ine=", if_not_exists))                                        \
    X(AlterSubscriptionStmt, E("", kind, AlterSubscriptionType) S(" ", subname))                            \
    X(DiscardStmt, E("", target, DiscardMode))                                                              \
    X(AlterDatabaseStmt, S("", dbname) L(" opts=", options))                                                \
    X(AlterObjectSchemaStmt, E("", objectType, ObjectType) Y(" rel=", relation, RangeVar)                   \
                                 N(" obj=", object) S(" to ", newschema) B(" mok=", missing_ok))            \
    X(SelectStmt, L("", targetList) L(" from=", fromClause) N(" where=", whereClause)                       \
                      N(" having=", havingClause) L(" values=", valuesLists) Y(" with=", withClause, WithClause) \
                          Y(" l=", larg, SelectStmt) Y(" r=", rarg, SelectStmt))                            \
    X(WithClause, L("", ctes))                                                                              \
    X(CommonTableExpr, S("", ctename) N(" ", ctequery))                                                     \
    X(JoinExpr, N("", larg) N(" ", rarg) N(" on ", quals))                                                  \
    X(RangeSubselect, N("", subquery))                                                                      \
    X(RangeFunction, L("", functions))                                                                      \
    X(SubLink, N("", testexpr) N(" ", subselect))                                                           \
    X(BooleanTest, N("", arg))                                                                              \
    X(A_Indirection, N("", arg))

/* clang-format on */

/* ---- output helpers (both sides) ------------------------------------------- */

static void put(pb_buf *b, const char *s)
{
    pb_buf_puts(b, s);
}

static void put_str(pb_buf *b, const char *s)
{
    if (!s) {
        pb_buf_putc(b, '-');
        return;
    }
    pb_buf_putc(b, '"');
    pb_buf_json_escape(b, s, strlen(s));
    pb_buf_putc(b, '"');
}

static void put_bool(pb_buf *b, bool v)
{
    pb_buf_putc(b, v ? '1' : '0');
}

static void put_int(pb_buf *b, long long v)
{
    pb_buf_printf(b, "%lld", v);
}

/* An Integer node's value: libpg_query's JSON writes only positive ones. */
static void put_ival(pb_buf *b, long long v)
{
    if (v > 0)
        put_int(b, v);
    else
        put(b, "le0");
}

static void put_char(pb_buf *b, char c)
{
    char s[2] = {c, '\0'};
    put_str(b, c ? s : NULL);
}

static void put_enum(pb_buf *b, const char *name, long long raw)
{
    if (name)
        put(b, name);
    else
        pb_buf_printf(b, "?%lld", raw);
}

static char *finish(pb_buf *b)
{
    char *s = strdup(pb_buf_cstr(b));
    pb_buf_release(b);
    if (!s)
        abort();
    return s;
}

/* ---- raw side: the C structs through the headers --------------------------- */

/* A bool member read as its byte: if the header puts the member elsewhere
 * than the library, the byte may be neither 0 nor 1, which is printed
 * instead of being loaded as a bool (undefined behaviour, a UBSan trap). */
static void put_raw_bool(pb_buf *b, const void *p, size_t size)
{
    unsigned char v = size == 1 ? *(const unsigned char *)p : 0xFF;
    if (v <= 1)
        put_bool(b, v);
    else
        pb_buf_printf(b, "?%u", (unsigned)v);
}

static void r_node(pb_buf *b, const Node *n, int d);

static void r_items(pb_buf *b, const List *l, int d)
{
    if (l && !IsA(l, List)) {
        put(b, tag_name(nodeTag(l)) ? tag_name(nodeTag(l)) : "?");
        return;
    }
    pb_buf_putc(b, '[');
    const ListCell *c;
    foreach (c, l) {
        if (c != list_head(l))
            pb_buf_putc(b, ',');
        r_node(b, lfirst(c), d + 1);
    }
    pb_buf_putc(b, ']');
}

#define S(lbl, f) put(b, lbl), put_str(b, x->f);
#define B(lbl, f) put(b, lbl), put_raw_bool(b, &x->f, sizeof x->f);
#define I(lbl, f) put(b, lbl), put_int(b, (long long)x->f);
#define C(lbl, f) put(b, lbl), put_char(b, x->f);
#define E(lbl, f, en) put(b, lbl), put_enum(b, en##_name((int)x->f), (long long)x->f);
#define N(lbl, f) put(b, lbl), r_node(b, (const Node *)x->f, d + 1);
#define L(lbl, f) put(b, lbl), r_items(b, x->f, d + 1);
#define Y(lbl, f, T) put(b, lbl), r_node(b, (const Node *)x->f, d + 1);
#define X(T, FIELDS)                                                                                         \
    static void r_##T(pb_buf *b, const T *x, int d)                                                          \
    {                                                                                                        \
        FIELDS                                                                                               \
    }
NODE_TABLE(X)
#undef X
#undef S
#undef B
#undef I
#undef C
#undef E
#undef N
#undef L
#undef Y

static void r_node(pb_buf *b, const Node *n, int d)
{
    if (!n) {
        put(b, "-");
        return;
    }
    if (d > MAX_DEPTH) {
        put(b, "...");
        return;
    }
    switch (nodeTag(n)) {
    case T_Integer:
        put(b, "Integer(");
        put_ival(b, ((const Integer *)n)->ival);
        put(b, ")");
        return;
    case T_Float:
        put(b, "Float(");
        put_str(b, ((const Float *)n)->fval);
        put(b, ")");
        return;
    case T_Boolean:
        put(b, "Boolean(");
        put_raw_bool(b, &((const Boolean *)n)->boolval, sizeof(bool));
        put(b, ")");
        return;
    case T_String: put_str(b, ((const String *)n)->sval); return;
    case T_BitString:
        put(b, "BitString(");
        put_str(b, ((const BitString *)n)->bsval);
        put(b, ")");
        return;
    case T_List: r_items(b, (const List *)n, d); return;
    case T_A_Const: {
        const A_Const *c = (const A_Const *)n;
        put(b, "A_Const(");
        unsigned char isnull = *(const unsigned char *)&c->isnull;
        if (isnull > 1)
            pb_buf_printf(b, "?%u", (unsigned)isnull);
        else if (isnull)
            put(b, "null");
        else
            r_node(b, &c->val.node, d + 1);
        put(b, ")");
        return;
    }
#define X(T, FIELDS)                                                                                         \
    case T_##T:                                                                                              \
        put(b, #T "(");                                                                                      \
        r_##T(b, (const T *)n, d);                                                                           \
        put(b, ")");                                                                                         \
        return;
        NODE_TABLE(X)
#undef X
    default: {
        const char *t = tag_name(nodeTag(n));
        put_enum(b, t, (long long)nodeTag(n));
        return;
    }
    }
}

char *pb_parse__abi_summary_raw(const char *text)
{
    MemoryContext ctx = pg_query_enter_memory_context();
    PgQueryInternalParsetreeAndError r = pg_query_raw_parse(text);
    char *out = NULL;
    if (!r.error) {
        pb_buf b = {0};
        const ListCell *c;
        foreach (c, r.tree) {
            const Node *n = lfirst(c);
            if (!n || !IsA(n, RawStmt)) {
                /* NodeTag numbering differs: descending would read one
                   struct as another */
                pb_buf_printf(&b, "?RawStmt tag %d\n", n ? (int)nodeTag(n) : -1);
                continue;
            }
            const RawStmt *rs = (const RawStmt *)n;
            put(&b, pb_lower__stmt_name(rs->stmt));
            pb_buf_printf(&b, " @%d+%d ", rs->stmt_location, rs->stmt_len);
            r_node(&b, rs->stmt, 0);
            pb_buf_putc(&b, '\n');
        }
        out = finish(&b);
    } else {
        pg_query_free_error(r.error);
    }
    free(r.stderr_buffer);
    pg_query_exit_memory_context(ctx);
    return out;
}

/* ---- JSON side: libpg_query's own output ------------------------------------- */

static const char *const stmt_names[] = {
#define STMT(x) #x,
#include "parse/stmt_tags.def"
#undef STMT
};

/* The walker's name for a statement tag (as pb_lower__stmt_name). */
static const char *json_stmt_name(const char *tag)
{
    for (size_t i = 0; tag && i < sizeof stmt_names / sizeof stmt_names[0]; i++)
        if (strcmp(stmt_names[i], tag) == 0)
            return stmt_names[i];
    return "Statement";
}

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static bool jbool(const json_t *o, const char *k)
{
    return json_is_true(json_object_get(o, k));
}

static long long jint(const json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

static char jchar(const json_t *o, const char *k)
{
    const char *s = jstr(o, k);
    return s ? s[0] : '\0';
}

static void put_jenum(pb_buf *b, const char *name)
{
    put(b, name ? name : "?");
}

/* {"Tag": {...}} -> the inner object and its tag; NULL tag for a missing
 * value or {} (a NULL list element). */
static json_t *unwrap(json_t *w, const char **tag)
{
    *tag = NULL;
    if (!json_is_object(w) || json_object_size(w) != 1)
        return NULL;
    void *it = json_object_iter(w);
    *tag = json_object_iter_key(it);
    return json_object_iter_value(it);
}

static void j_tagged(pb_buf *b, const char *tag, json_t *x, int d);

static void j_node(pb_buf *b, json_t *w, int d)
{
    const char *tag;
    json_t *x = unwrap(w, &tag);
    if (!tag) {
        put(b, "-");
        return;
    }
    if (d > MAX_DEPTH) {
        put(b, "...");
        return;
    }
    j_tagged(b, tag, x, d);
}

/* A member typed as a specific node struct: written without the wrapper. */
static void j_typed(pb_buf *b, json_t *x, const char *tag, int d)
{
    if (!json_is_object(x)) {
        put(b, "-");
        return;
    }
    if (d > MAX_DEPTH) {
        put(b, "...");
        return;
    }
    j_tagged(b, tag, x, d);
}

static void j_items(pb_buf *b, json_t *arr, int d)
{
    pb_buf_putc(b, '[');
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (i)
            pb_buf_putc(b, ',');
        j_node(b, v, d + 1);
    }
    pb_buf_putc(b, ']');
}

#define S(lbl, f) put(b, lbl), put_str(b, jstr(x, #f));
#define B(lbl, f) put(b, lbl), put_bool(b, jbool(x, #f));
#define I(lbl, f) put(b, lbl), put_int(b, jint(x, #f));
#define C(lbl, f) put(b, lbl), put_char(b, jchar(x, #f));
#define E(lbl, f, en) put(b, lbl), put_jenum(b, jstr(x, #f));
#define N(lbl, f) put(b, lbl), j_node(b, json_object_get(x, #f), d + 1);
#define L(lbl, f) put(b, lbl), j_items(b, json_object_get(x, #f), d + 1);
#define Y(lbl, f, T) put(b, lbl), j_typed(b, json_object_get(x, #f), #T, d + 1);
#define X(T, FIELDS)                                                                                         \
    static void j_##T(pb_buf *b, json_t *x, int d)                                                           \
    {                                                                                                        \
        FIELDS                                                                                               \
    }
NODE_TABLE(X)
#undef X
#undef S
#undef B
#undef I
#undef C
#undef E
#undef N
#undef L
#undef Y

/* A_Const's value keys and the value node each stands for. */
static const struct {
    const char *key, *tag;
} aconst_vals[] = {
    {"ival", "Integer"}, {"fval", "Float"},      {"boolval", "Boolean"},
    {"sval", "String"},  {"bsval", "BitString"},
};

static void j_tagged(pb_buf *b, const char *tag, json_t *x, int d)
{
    if (strcmp(tag, "Integer") == 0) {
        put(b, "Integer(");
        put_ival(b, jint(x, "ival"));
        put(b, ")");
        return;
    }
    if (strcmp(tag, "Float") == 0) {
        put(b, "Float(");
        put_str(b, jstr(x, "fval"));
        put(b, ")");
        return;
    }
    if (strcmp(tag, "Boolean") == 0) {
        put(b, "Boolean(");
        put_bool(b, jbool(x, "boolval"));
        put(b, ")");
        return;
    }
    if (strcmp(tag, "String") == 0) {
        put_str(b, jstr(x, "sval"));
        return;
    }
    if (strcmp(tag, "BitString") == 0) {
        put(b, "BitString(");
        put_str(b, jstr(x, "bsval"));
        put(b, ")");
        return;
    }
    if (strcmp(tag, "List") == 0) {
        j_items(b, json_object_get(x, "items"), d);
        return;
    }
    if (strcmp(tag, "A_Const") == 0) {
        put(b, "A_Const(");
        if (jbool(x, "isnull")) {
            put(b, "null");
        } else {
            size_t i = 0, n = sizeof aconst_vals / sizeof aconst_vals[0];
            while (i < n && !json_object_get(x, aconst_vals[i].key))
                i++;
            if (i == n)
                put(b, "?");
            else if (d + 1 > MAX_DEPTH)
                put(b, "...");
            else
                j_tagged(b, aconst_vals[i].tag, json_object_get(x, aconst_vals[i].key), d + 1);
        }
        put(b, ")");
        return;
    }
#define X(T, FIELDS)                                                                                         \
    if (strcmp(tag, #T) == 0) {                                                                              \
        put(b, #T "(");                                                                                      \
        j_##T(b, x, d);                                                                                      \
        put(b, ")");                                                                                         \
        return;                                                                                              \
    }
    NODE_TABLE(X)
#undef X
    put(b, tag);
}

/* Nesting deeper than this in libpg_query's JSON is replaced by null before
 * Jansson reads it (Jansson refuses more than 2048 levels; a long chain of
 * binary operators nests that deep). The summary stops at MAX_DEPTH nodes,
 * a few JSON levels each, far above what is cut. */
#define JSON_PRUNE_DEPTH 1000

/* Offset just past the JSON object or array starting at s[i]. */
static size_t skip_json_value(const char *s, size_t n, size_t i)
{
    int depth = 0;
    bool in_str = false;
    for (; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if ((c == '}' || c == ']') && --depth == 0) {
            return i + 1;
        }
    }
    return n;
}

/* libpg_query's JSON made loadable by Jansson: nesting beyond
 * JSON_PRUNE_DEPTH becomes null, and since Jansson accepts only valid UTF-8
 * while the raw parser passes any bytes through string literals and
 * identifiers (which libpg_query copies into its JSON), each invalid byte
 * becomes U+FFFD, as pb_buf_json_escape does on the raw side. */
static char *loadable_json(const char *s)
{
    pb_buf b = {0};
    size_t n = strlen(s), i = 0;
    int depth = 0;
    bool in_str = false;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            uint32_t cp;
            size_t k = pb_utf8_decode(s + i, n - i, &cp);
            if (k == 0) {
                pb_buf_puts(&b, "\xEF\xBF\xBD");
                i++;
            } else {
                pb_buf_append(&b, s + i, k);
                i += k;
            }
            continue;
        }
        if (in_str) {
            if (c == '\\' && i + 1 < n && (unsigned char)s[i + 1] < 0x80) {
                pb_buf_append(&b, s + i, 2);
                i += 2;
                continue;
            }
            if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '{' || c == '[') {
            if (depth >= JSON_PRUNE_DEPTH) {
                pb_buf_puts(&b, "null");
                i = skip_json_value(s, n, i);
                continue;
            }
            depth++;
        } else if (c == '}' || c == ']') {
            depth--;
        }
        pb_buf_putc(&b, (char)c);
        i++;
    }
    return finish(&b);
}

char *pb_parse__abi_summary_json(const char *text)
{
    PgQueryParseResult r = pg_query_parse(text);
    if (r.error || !r.parse_tree) {
        pg_query_free_parse_result(r);
        return NULL;
    }
    char *tree = loadable_json(r.parse_tree);
    pg_query_free_parse_result(r);

    pb_buf b = {0};
    json_error_t jerr;
    json_t *root = json_loads(tree, 0, &jerr);
    free(tree);
    if (!root) {
        pb_buf_printf(&b, "!json: %s (line %d)\n", jerr.text, jerr.line);
        return finish(&b);
    }
    size_t i;
    json_t *st;
    json_array_foreach(json_object_get(root, "stmts"), i, st)
    {
        const char *tag;
        json_t *w = json_object_get(st, "stmt");
        unwrap(w, &tag);
        put(&b, json_stmt_name(tag));
        pb_buf_printf(&b, " @%lld+%lld ", jint(st, "stmt_location"), jint(st, "stmt_len"));
        j_node(&b, w, 0);
        pb_buf_putc(&b, '\n');
    }
    json_decref(root);
    return finish(&b);
}
