// What the Python recorder recorded (record_all in tests/support/cassette_serving.py, and the
// more_calls cassette of tests/serve/test_serve_clients.py), read back by the AWS SDK for Go
// v1 from `harness serve --cassettes`: the same calls, one JSON object of what they answered
// on stdout, in the form the test's `answers` has them.
//
//	replay ENDPOINT BUCKET KEY TABLE QUEUE BODY CSV MORE_QUEUE NAMESPACE
//	replay odd ...   (odd.go)
//
// Built by tests/serve/test_serve_clients.py in GOPATH mode against the SDK's source, offline.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/awserr"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/apigateway"
	"github.com/aws/aws-sdk-go/service/cloudwatch"
	"github.com/aws/aws-sdk-go/service/dynamodb"
	"github.com/aws/aws-sdk-go/service/s3"
	"github.com/aws/aws-sdk-go/service/sns"
	"github.com/aws/aws-sdk-go/service/sqs"
)

func must(err error, what string) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", what, err)
		os.Exit(1)
	}
}

// item is a DynamoDB item as its JSON wire form has it ({"id": {"S": "o-1"}}).
func item(attributes map[string]*dynamodb.AttributeValue) map[string]map[string]string {
	out := map[string]map[string]string{}
	for name, value := range attributes {
		switch {
		case value.S != nil:
			out[name] = map[string]string{"S": *value.S}
		case value.N != nil:
			out[name] = map[string]string{"N": *value.N}
		default:
			out[name] = map[string]string{"?": value.String()}
		}
	}
	return out
}

// texts is one string member of each item (an empty list, not null, for none).
func texts[T any](items []T, member func(T) *string) []string {
	out := []string{}
	for _, item := range items {
		out = append(out, aws.StringValue(member(item)))
	}
	return out
}

func messageBody(message *sqs.Message) *string { return message.Body }

func main() {
	if len(os.Args) > 1 && os.Args[1] == "odd" { // odd.go
		odd(os.Args[2:])
		return
	}
	endpoint, bucket, key, table, queue, body, csv := os.Args[1], os.Args[2], os.Args[3],
		os.Args[4], os.Args[5], os.Args[6], os.Args[7]
	sess := session.Must(session.NewSession(&aws.Config{
		Endpoint:         aws.String(endpoint),
		Region:           aws.String("us-east-1"),
		Credentials:      credentials.NewStaticCredentials("go", "go", ""),
		S3ForcePathStyle: aws.Bool(true),
		MaxRetries:       aws.Int(0),
	}))
	out := map[string]interface{}{}

	s3c := s3.New(sess)
	put, err := s3c.PutObject(&s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
		Body: bytes.NewReader([]byte(body))})
	must(err, "s3 PutObject")
	out["put"] = aws.StringValue(put.ETag)
	putCsv, err := s3c.PutObject(&s3.PutObjectInput{Bucket: aws.String(bucket),
		Key: aws.String("data.csv"), Body: bytes.NewReader([]byte(csv))})
	must(err, "s3 PutObject data.csv")
	out["csv"] = aws.StringValue(putCsv.ETag)
	object, err := s3c.GetObject(&s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	must(err, "s3 GetObject")
	read, err := io.ReadAll(object.Body)
	must(err, "s3 GetObject body")
	out["body"] = string(read)
	head, err := s3c.HeadObject(&s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	must(err, "s3 HeadObject")
	out["length"] = aws.Int64Value(head.ContentLength)
	listed, err := s3c.ListObjectsV2(&s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	must(err, "s3 ListObjectsV2")
	out["keys"] = texts(listed.Contents, func(o *s3.Object) *string { return o.Key })
	selected, err := s3c.SelectObjectContent(&s3.SelectObjectContentInput{
		Bucket: aws.String(bucket), Key: aws.String("data.csv"),
		Expression: aws.String("SELECT * FROM S3Object"), ExpressionType: aws.String("SQL"),
		InputSerialization: &s3.InputSerialization{CSV: &s3.CSVInput{
			FileHeaderInfo: aws.String("USE")}},
		OutputSerialization: &s3.OutputSerialization{JSON: &s3.JSONOutput{}},
	})
	must(err, "s3 SelectObjectContent")
	records := ""
	for event := range selected.EventStream.Events() {
		if r, ok := event.(*s3.RecordsEvent); ok {
			records += string(r.Payload)
		}
	}
	must(selected.EventStream.Close(), "s3 SelectObjectContent stream")
	must(selected.EventStream.Err(), "s3 SelectObjectContent events")
	out["records"] = records

	topics, err := sns.New(sess).ListTopics(&sns.ListTopicsInput{})
	must(err, "sns ListTopics")
	out["topics"] = texts(topics.Topics, func(t *sns.Topic) *string { return t.TopicArn })

	ddb := dynamodb.New(sess)
	key1 := map[string]*dynamodb.AttributeValue{"id": {S: aws.String("o-1")}}
	got, err := ddb.GetItem(&dynamodb.GetItemInput{TableName: aws.String(table), Key: key1})
	must(err, "dynamodb GetItem")
	out["item"] = item(got.Item)
	tables, err := ddb.ListTables(&dynamodb.ListTablesInput{})
	must(err, "dynamodb ListTables")
	out["tables"] = aws.StringValueSlice(tables.TableNames)

	sqsc := sqs.New(sess)
	created, err := sqsc.CreateQueue(&sqs.CreateQueueInput{QueueName: aws.String(queue)})
	must(err, "sqs CreateQueue")
	receive := &sqs.ReceiveMessageInput{QueueUrl: created.QueueUrl, VisibilityTimeout: aws.Int64(30)}
	first, err := sqsc.ReceiveMessage(receive)
	must(err, "sqs ReceiveMessage")
	out["first"] = texts(first.Messages, messageBody)
	second, err := sqsc.ReceiveMessage(receive)
	must(err, "sqs ReceiveMessage again")
	out["second"] = texts(second.Messages, messageBody)

	apis, err := apigateway.New(sess).GetRestApis(&apigateway.GetRestApisInput{})
	must(err, "apigateway GetRestApis")
	out["apis"] = texts(apis.Items, func(a *apigateway.RestApi) *string { return a.Name })

	key404 := map[string]*dynamodb.AttributeValue{"id": {S: aws.String("o-404")}}
	_, err = ddb.GetItem(&dynamodb.GetItemInput{TableName: aws.String(table), Key: key404})
	out["miss"] = failure(err)
	more(sess, os.Args[8], os.Args[9], out)
	must(json.NewEncoder(os.Stdout).Encode(out), "json")
}

// failure is an error as the SDK reports it: its code, status and message.
func failure(err error) interface{} {
	if failed, ok := err.(awserr.RequestFailure); ok {
		return map[string]interface{}{"name": failed.Code(), "status": failed.StatusCode(),
			"message": failed.Message()}
	}
	return fmt.Sprint(err)
}

// more: the second cassette's SQS and CloudWatch calls, whose members the query protocol
// (which this SDK speaks to both) names in its own way.
func more(sess *session.Session, queue string, namespace string, out map[string]interface{}) {
	sqsc := sqs.New(sess)
	created, err := sqsc.CreateQueue(&sqs.CreateQueueInput{QueueName: aws.String(queue),
		Attributes: map[string]*string{"VisibilityTimeout": aws.String("45")},
		Tags:       map[string]*string{"team": aws.String("shop")}})
	must(err, "sqs CreateQueue (more)")
	url := created.QueueUrl
	sent, err := sqsc.SendMessage(&sqs.SendMessageInput{QueueUrl: url,
		MessageBody: aws.String("order-1"),
		MessageAttributes: map[string]*sqs.MessageAttributeValue{"kind": {
			DataType: aws.String("String"), StringValue: aws.String("book")}}})
	must(err, "sqs SendMessage")
	out["sent"] = map[string]string{"md5": aws.StringValue(sent.MD5OfMessageBody),
		"id":             aws.StringValue(sent.MessageId),
		"attributes_md5": aws.StringValue(sent.MD5OfMessageAttributes)}
	received, err := sqsc.ReceiveMessage(&sqs.ReceiveMessageInput{QueueUrl: url,
		AttributeNames:        aws.StringSlice([]string{"All"}),
		MessageAttributeNames: aws.StringSlice([]string{"All"}),
		MaxNumberOfMessages:   aws.Int64(2)})
	must(err, "sqs ReceiveMessage (more)")
	messages := []interface{}{}
	for _, message := range received.Messages {
		attributes := map[string]interface{}{}
		for name, value := range message.MessageAttributes {
			attributes[name] = map[string]string{"DataType": aws.StringValue(value.DataType),
				"StringValue": aws.StringValue(value.StringValue)}
		}
		messages = append(messages, map[string]interface{}{"Body": aws.StringValue(message.Body),
			"MessageId":  aws.StringValue(message.MessageId),
			"Attributes": aws.StringValueMap(message.Attributes), "MessageAttributes": attributes})
	}
	out["received"] = messages
	got, err := sqsc.GetQueueAttributes(&sqs.GetQueueAttributesInput{QueueUrl: url,
		AttributeNames: aws.StringSlice([]string{"VisibilityTimeout"})})
	must(err, "sqs GetQueueAttributes")
	out["queue_attributes"] = aws.StringValueMap(got.Attributes)
	tags, err := sqsc.ListQueueTags(&sqs.ListQueueTagsInput{QueueUrl: url})
	must(err, "sqs ListQueueTags")
	out["tags"] = aws.StringValueMap(tags.Tags)
	batch, err := sqsc.SendMessageBatch(&sqs.SendMessageBatchInput{QueueUrl: url,
		Entries: []*sqs.SendMessageBatchRequestEntry{
			{Id: aws.String("a"), MessageBody: aws.String("x")},
			{Id: aws.String("b"), MessageBody: aws.String("y")}}})
	must(err, "sqs SendMessageBatch")
	out["batch"] = texts(batch.Successful,
		func(e *sqs.SendMessageBatchResultEntry) *string { return e.Id })
	_, err = sqsc.GetQueueUrl(&sqs.GetQueueUrlInput{QueueName: aws.String("missing")})
	out["missing_queue"] = failure(err)

	cw := cloudwatch.New(sess)
	when := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	dimensions := []*cloudwatch.Dimension{{Name: aws.String("shop"), Value: aws.String("north")}}
	_, err = cw.PutMetricData(&cloudwatch.PutMetricDataInput{Namespace: aws.String(namespace),
		MetricData: []*cloudwatch.MetricDatum{{MetricName: aws.String("sales"),
			Value: aws.Float64(3), Timestamp: aws.Time(when), Dimensions: dimensions}}})
	must(err, "cloudwatch PutMetricData")
	metrics, err := cw.ListMetrics(&cloudwatch.ListMetricsInput{Namespace: aws.String(namespace)})
	must(err, "cloudwatch ListMetrics")
	listed := []interface{}{}
	for _, metric := range metrics.Metrics {
		for _, dimension := range metric.Dimensions {
			listed = append(listed, map[string]string{"Name": aws.StringValue(dimension.Name),
				"Value": aws.StringValue(dimension.Value)})
		}
	}
	out["dimensions"] = listed
	stats, err := cw.GetMetricStatistics(&cloudwatch.GetMetricStatisticsInput{
		Namespace: aws.String(namespace), MetricName: aws.String("sales"),
		Dimensions: dimensions, StartTime: aws.Time(when.Add(-time.Hour)),
		EndTime: aws.Time(when.Add(time.Hour)), Period: aws.Int64(3600),
		Statistics: aws.StringSlice([]string{"Sum"})})
	must(err, "cloudwatch GetMetricStatistics")
	points := []interface{}{}
	for _, point := range stats.Datapoints {
		points = append(points, map[string]interface{}{"Sum": aws.Float64Value(point.Sum),
			"Timestamp": aws.TimeValue(point.Timestamp).UTC().Format(time.RFC3339)})
	}
	out["datapoints"] = points
	_, err = cw.PutMetricAlarm(&cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("busy"),
		Namespace: aws.String(namespace), MetricName: aws.String("sales"),
		Statistic: aws.String("Sum"), Period: aws.Int64(60), EvaluationPeriods: aws.Int64(1),
		Threshold: aws.Float64(10), ComparisonOperator: aws.String("GreaterThanThreshold")})
	must(err, "cloudwatch PutMetricAlarm")
	alarms, err := cw.DescribeAlarms(&cloudwatch.DescribeAlarmsInput{
		AlarmNames: aws.StringSlice([]string{"busy"})})
	must(err, "cloudwatch DescribeAlarms")
	described := []interface{}{}
	for _, alarm := range alarms.MetricAlarms {
		described = append(described, map[string]interface{}{
			"AlarmName": aws.StringValue(alarm.AlarmName),
			"Threshold": aws.Float64Value(alarm.Threshold), "Period": aws.Int64Value(alarm.Period)})
	}
	out["alarms"] = described
	_, err = sqsc.GetQueueAttributes(&sqs.GetQueueAttributesInput{QueueUrl: url,
		AttributeNames: aws.StringSlice([]string{"DelaySeconds"})})
	out["attributes_miss"] = failure(err)
}
