// The odd values of the `odd_calls` cassette of tests/serve/test_serve_clients.py, read back
// by the AWS SDK for Go v1: S3 keys and query values with a space, `+`, `~`, `*`, unicode and
// `/`, binary bytes, an empty body, a DynamoDB item with binary attributes; one JSON object
// of what they answered on stdout, each blob in base64.
//
//	replay odd ENDPOINT BUCKET KEY PREFIX TEXT NAME_QUERY BINARY_FILE
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/apigateway"
	"github.com/aws/aws-sdk-go/service/dynamodb"
	"github.com/aws/aws-sdk-go/service/s3"
	"github.com/aws/aws-sdk-go/service/sns"
	"github.com/aws/aws-sdk-go/service/sqs"
)

var b64 = base64.StdEncoding.EncodeToString

func objectKeys(listed *s3.ListObjectsV2Output) map[string][]string {
	out := map[string][]string{"keys": {}, "prefixes": {}}
	for _, object := range listed.Contents {
		out["keys"] = append(out["keys"], aws.StringValue(object.Key))
	}
	for _, prefix := range listed.CommonPrefixes {
		out["prefixes"] = append(out["prefixes"], aws.StringValue(prefix.Prefix))
	}
	return out
}

func odd(args []string) {
	endpoint, bucket, key, prefix, text, nameQuery := args[0], args[1], args[2], args[3],
		args[4], args[5]
	binary, err := os.ReadFile(args[6])
	must(err, "read the binary file")
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
		Body: bytes.NewReader(binary)})
	must(err, "s3 PutObject")
	out["put"] = aws.StringValue(put.ETag)
	object, err := s3c.GetObject(&s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	must(err, "s3 GetObject")
	read, err := io.ReadAll(object.Body)
	must(err, "s3 GetObject body")
	out["get"] = b64(read)
	head, err := s3c.HeadObject(&s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	must(err, "s3 HeadObject")
	out["length"] = aws.Int64Value(head.ContentLength)
	put, err = s3c.PutObject(&s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("empty.txt"),
		Body: bytes.NewReader([]byte{})})
	must(err, "s3 PutObject (empty)")
	out["put_empty"] = aws.StringValue(put.ETag)
	object, err = s3c.GetObject(&s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("empty.txt")})
	must(err, "s3 GetObject (empty)")
	read, err = io.ReadAll(object.Body)
	must(err, "s3 GetObject (empty) body")
	out["get_empty"] = b64(read)
	listed, err := s3c.ListObjectsV2(&s3.ListObjectsV2Input{Bucket: aws.String(bucket),
		Prefix: aws.String(prefix)})
	must(err, "s3 ListObjectsV2 (prefix)")
	out["listed"] = objectKeys(listed)
	listed, err = s3c.ListObjectsV2(&s3.ListObjectsV2Input{Bucket: aws.String(bucket),
		Delimiter: aws.String("€")})
	must(err, "s3 ListObjectsV2 (delimiter)")
	out["delimited"] = objectKeys(listed)
	object, err = s3c.GetObject(&s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
		ResponseContentType: aws.String("text/plain; charset=utf-8")})
	must(err, "s3 GetObject (response-content-type)")
	read, err = io.ReadAll(object.Body)
	must(err, "s3 GetObject (response-content-type) body")
	out["typed"] = []string{aws.StringValue(object.ContentType), b64(read)}

	ddb := dynamodb.New(sess)
	_, err = ddb.PutItem(&dynamodb.PutItemInput{TableName: aws.String("odd"),
		Item: map[string]*dynamodb.AttributeValue{"id": {S: aws.String(text)}, "data": {B: binary},
			"set": {BS: [][]byte{{0}, {0xff, 0xfe}}}}})
	must(err, "dynamodb PutItem")
	got, err := ddb.GetItem(&dynamodb.GetItemInput{TableName: aws.String("odd"),
		Key: map[string]*dynamodb.AttributeValue{"id": {S: aws.String(text)}}})
	must(err, "dynamodb GetItem")
	set := []string{}
	for _, blob := range got.Item["set"].BS {
		set = append(set, b64(blob))
	}
	sort.Strings(set)
	out["item"] = map[string]interface{}{"id": aws.StringValue(got.Item["id"].S),
		"data": b64(got.Item["data"].B), "set": set}

	snsc := sns.New(sess)
	topic, err := snsc.CreateTopic(&sns.CreateTopicInput{Name: aws.String("odd")})
	must(err, "sns CreateTopic")
	published, err := snsc.Publish(&sns.PublishInput{TopicArn: topic.TopicArn,
		Message: aws.String(text), Subject: aws.String("s b+c")})
	must(err, "sns Publish")
	out["published"] = aws.StringValue(published.MessageId) != ""

	sqsc := sqs.New(sess)
	queue, err := sqsc.CreateQueue(&sqs.CreateQueueInput{QueueName: aws.String("odd")})
	must(err, "sqs CreateQueue")
	sent, err := sqsc.SendMessage(&sqs.SendMessageInput{QueueUrl: queue.QueueUrl,
		MessageBody: aws.String(text)})
	must(err, "sqs SendMessage")
	out["md5"] = aws.StringValue(sent.MD5OfMessageBody)
	received, err := sqsc.ReceiveMessage(&sqs.ReceiveMessageInput{QueueUrl: queue.QueueUrl,
		VisibilityTimeout: aws.Int64(31)})
	must(err, "sqs ReceiveMessage")
	out["received"] = texts(received.Messages, messageBody)

	keys, err := apigateway.New(sess).GetApiKeys(&apigateway.GetApiKeysInput{
		NameQuery: aws.String(nameQuery), IncludeValues: aws.Bool(false)})
	must(err, "apigateway GetApiKeys")
	out["api_keys"] = texts(keys.Items, func(k *apigateway.ApiKey) *string { return k.Name })

	printed, err := json.Marshal(out)
	must(err, "json")
	fmt.Println(string(printed))
}
